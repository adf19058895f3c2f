// One-time tokens of create forms (formguard.forms.SubmitOnceMixin) kept with the page's history
// entry: Back to a form already sent (Chromium may fetch the page again and refill its fields)
// or a reload sends the token the page first had, so the server saves nothing twice and says so.
// A form opened anew (a new history entry) keeps the fresh token the server rendered.
(function () {
  "use strict";
  var inputs = document.querySelectorAll('input[type=hidden][name$="submission_token"]');
  if (!inputs.length || !window.history.replaceState) { return; }
  var state = window.history.state && typeof window.history.state === "object" ? window.history.state : {};
  var kept = state.submissionTokens || {};
  var changed = false;
  inputs.forEach(function (input, n) {
    var key = input.name + "#" + n;
    if (kept[key]) {
      input.value = kept[key];
    } else {
      kept[key] = input.value;
      changed = true;
    }
  });
  if (changed) {
    try {
      window.history.replaceState(Object.assign({}, state, { submissionTokens: kept }), "");
    } catch (error) { /* a page without history support stays protected against double clicks */ }
  }
})();

// A double click sends a form once. The second click of a double click would start a second
// POST that replaces the first in the browser: the server saves once (the token above) but the
// page then shows "saved already" instead of what was saved. Later submits of the same form are
// ignored for a few seconds (a download answered without leaving the page can be asked again)
// and again as soon as the page is shown anew (Back from the cache: pageshow).
(function () {
  "use strict";
  var WAIT_MS = 4000;
  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post") { return; }
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    window.setTimeout(function () { delete form.dataset.submitting; }, WAIT_MS);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
    });
  });
})();
