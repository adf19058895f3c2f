// django-celery-beat's scheduled-job form: show the chosen crontab in words under the field.
// A static file instead of the package's inline script (the Content Security Policy forbids those).
(function () {
  "use strict";
  function init() {
    var data = document.getElementById("readable-crontabs");
    var select = document.getElementById("id_crontab");
    if (!data || !select) {
      return;
    }
    var readable = JSON.parse(data.textContent);
    var help = document.querySelector(".field-crontab .help");
    var original = help ? help.textContent : "";
    document.querySelectorAll(".field-crontab_translation").forEach(function (row) {
      row.hidden = true;
    });
    select.addEventListener("change", function () {
      if (help) {
        help.textContent = original + " — " + (readable[select.value] || "");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
