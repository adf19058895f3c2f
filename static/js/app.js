// Small behaviours without inline script (the Content Security Policy forbids inline code).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) {
    event.target.form.submit();
  }
});

// A "select all" box ticks or clears every box of the same form named by data-select-all.
document.addEventListener("change", function (event) {
  var all = event.target;
  if (all.matches("[data-select-all]")) {
    all.form.querySelectorAll('input[type="checkbox"][name="' + all.dataset.selectAll + '"]').forEach(function (box) {
      box.checked = all.checked;
    });
  }
});
