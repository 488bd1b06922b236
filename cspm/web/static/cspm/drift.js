// Findings list: a "select every finding on this page" checkbox. The page works without it.
document.addEventListener("DOMContentLoaded", () => {
  const all = document.querySelector("[data-select-all]");
  if (!all) return;
  const boxes = () => Array.from(document.querySelectorAll('input[type=checkbox][name="finding"]'));
  all.hidden = false;
  all.addEventListener("change", () => { boxes().forEach((box) => { box.checked = all.checked; }); });
  document.addEventListener("change", (event) => {
    if (event.target.name !== "finding") return;
    const list = boxes();
    const checked = list.filter((box) => box.checked).length;
    all.checked = checked === list.length && checked > 0;
    all.indeterminate = checked > 0 && checked < list.length;
  });
});
