// Download centre: follow the files being generated and offer each one when it is ready.
(function () {
  "use strict";
  function poll(row) {
    fetch(row.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        row.querySelector("[data-role=state]").textContent = data.state_label;
        var bar = row.querySelector("[data-role=progress]");
        if (bar) { bar.value = data.percent; bar.textContent = data.percent + "%"; }
        row.dataset.state = data.state;
        if (data.state === "queued" || data.state === "running") {
          window.setTimeout(function () { poll(row); }, 1500);
          return;
        }
        if (bar) { bar.remove(); }
        if (data.download) {
          var link = document.createElement("a");
          link.className = "btn btn-sm btn-primary";
          link.href = data.download;
          link.textContent = row.closest("table").dataset.downloadLabel;
          row.querySelector("[data-role=action]").appendChild(link);
        } else if (data.error) {
          var note = document.createElement("div");
          note.className = "small text-danger";
          note.textContent = data.error;
          row.querySelector("[data-role=state]").after(note);
        }
      });
  }
  document.querySelectorAll("tr[data-status-url]").forEach(function (row) {
    window.setTimeout(function () { poll(row); }, 1000);
  });
})();
