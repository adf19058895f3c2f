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
