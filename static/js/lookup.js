// Names suggested as one types into an input that names one of thousands (a branch, an
// evaluation): the input's data-lookup URL answers {"results": [...]}, shown in a datalist.
// Without this script the input still works: the server accepts a full name or a unique part.
(function () {
  "use strict";
  document.querySelectorAll("input[data-lookup]").forEach(function (input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.after(list);
    input.setAttribute("list", list.id);
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var q = input.value.trim();
        if (!q || q === asked) { return; }
        asked = q;
        var url = new URL(input.dataset.lookup, window.location.href);
        url.searchParams.set("q", q);
        var year = input.dataset.lookupYear && input.form.elements[input.dataset.lookupYear];
        if (year) { url.searchParams.set("year", year.value); }
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (data) {
            if (!data || input.value.trim() !== q) { return; }
            list.replaceChildren.apply(list, data.results.map(function (name) {
              var option = document.createElement("option");
              option.value = name;
              return option;
            }));
          });
      }, 200);
    });
  });
})();
