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

// "全部出席" on a meeting's attendance: every row of the form back to present (the reasons stay).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-all-present]");
  if (button) {
    button.form.querySelectorAll('input[type="radio"][value="present"]').forEach(function (radio) {
      radio.checked = true;
    });
  }
});

// A table box that scrolls sideways (on a phone) takes the keyboard's focus, so that it can be
// scrolled without a mouse (axe: scrollable-region-focusable); a box that fits does not.
function focusableScrollBoxes() {
  document.querySelectorAll(".table-responsive").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth) {
      box.setAttribute("tabindex", "0");
    } else {
      box.removeAttribute("tabindex");
    }
  });
}
document.addEventListener("DOMContentLoaded", focusableScrollBoxes);
window.addEventListener("resize", focusableScrollBoxes);
