// "Copy" buttons beside the policies and commands of the onboarding wizard: shown only when the
// clipboard is available (without JavaScript the text is selectable as it is).
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent).then(function () {
        var label = button.firstChild;
        label.nodeValue = "Copied";
        window.setTimeout(function () { label.nodeValue = "Copy"; }, 2000);
      });
    });
  });
})();
