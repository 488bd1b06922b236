// While a poll runs, ask the account's poll status endpoint every few seconds and reload the
// page once the poll has ended (without JavaScript, a <noscript> meta refresh does the same).
(function () {
  "use strict";
  var box = document.getElementById("poll-status");
  if (!box || box.getAttribute("data-running") !== "1") { return; }
  var url = box.getAttribute("data-status-url");
  function check() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && !data.running) { window.location.reload(); return; }
        window.setTimeout(check, 3000);
      })
      .catch(function () { window.setTimeout(check, 10000); });
  }
  window.setTimeout(check, 3000);
})();
