// The appraisal's grade forms (issue 21): count the "excellent" grades as they are picked and,
// when more than a third are, show the box that must be ticked before saving. The server
// checks the same (evaluations.forms.ExcellentCheckMixin); this only tells it before.
(function () {
  function update(form) {
    var total = parseInt(form.dataset.excellentTotal, 10) || 0;
    var n = 0;
    form.querySelectorAll('input[type="radio"]:checked, select').forEach(function (input) {
      if (input.value === "excellent") { n += 1; }
    });
    form.querySelectorAll("[data-excellent-n]").forEach(function (el) { el.textContent = n; });
    var over = n * 3 > total;
    form.querySelectorAll("[data-excellent-confirm]").forEach(function (el) {
      el.hidden = !over;
      if (!over) {
        el.querySelectorAll('input[type="checkbox"]').forEach(function (box) { box.checked = false; });
      }
    });
  }
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.matches("[data-excellent-total]")) { update(form); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-excellent-total]").forEach(update);
  });
})();
