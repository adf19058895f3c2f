// Choosing among hundreds (issue 21): check boxes grouped by unit, a filter box, "select all of
// this unit" (only the rows the filter shows) and counts of what is chosen, instead of a
// Ctrl-click multiple select. Plain script, no library; without it the boxes still work.
(function () {
  function refresh(picker) {
    var total = 0;
    picker.querySelectorAll("[data-picker-group]").forEach(function (group) {
      var n = group.querySelectorAll('input[type="checkbox"]:checked').length;
      total += n;
      var count = group.querySelector("[data-picker-group-count]");
      if (count) { count.textContent = n; }
    });
    picker.querySelector("[data-picker-count]").textContent = total;
  }

  function filter(picker, text) {
    var words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
    picker.querySelectorAll("[data-picker-group]").forEach(function (group) {
      var shown = 0;
      group.querySelectorAll("[data-picker-item]").forEach(function (item) {
        var hay = item.dataset.search.toLowerCase();
        var match = words.every(function (w) { return hay.indexOf(w) !== -1; });
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      group.hidden = shown === 0;
    });
  }

  function setGroup(button, checked) {
    var group = button.closest("[data-picker-group]");
    group.querySelectorAll("[data-picker-item]").forEach(function (item) {
      if (!item.hidden) { item.querySelector('input[type="checkbox"]').checked = checked; }
    });
    refresh(button.closest("[data-picker]"));
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picker]").forEach(function (picker) {
      var list = picker.querySelector("[data-picker-list]");
      list.style.maxHeight = "22rem";  // set here: the Content Security Policy forbids style attributes
      refresh(picker);
      var box = picker.querySelector("[data-picker-filter]");
      box.addEventListener("input", function () { filter(picker, box.value); });
      // Enter in the filter box must not send the whole form.
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); }
      });
    });
  });

  document.addEventListener("change", function (event) {
    var picker = event.target.closest && event.target.closest("[data-picker]");
    if (picker && event.target.type === "checkbox") { refresh(picker); }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.matches("[data-picker-all]")) { setGroup(target, true); }
    if (target.matches("[data-picker-none]")) { setGroup(target, false); }
  });
})();
