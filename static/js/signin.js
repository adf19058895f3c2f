// 扫码签到: the secretary's sign-in page fetches its arrivals table every few seconds (no
// websocket), until sign-in is closed. A file of its own: the CSP allows no inline script.
(function () {
  "use strict";
  var box = document.getElementById("signin-arrivals");
  if (!box) return;
  var url = box.getAttribute("data-poll-url");
  var timer = null;
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        box.innerHTML = html;
        var counts = box.querySelector("[data-open]");
        if (counts && counts.getAttribute("data-open") === "0") window.clearInterval(timer);
      })
      .catch(function () { /* the next round tries again */ });
  }
  timer = window.setInterval(refresh, 3000);
})();
