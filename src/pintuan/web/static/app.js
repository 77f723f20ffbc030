/* Progressive enhancement only: pages work without this file. Countdowns tick, and a group
   page follows its group's Server-Sent Events and redraws its live part from the server. */
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  var loaded = Date.now();
  function clock(el, left) {
    el.textContent = pad(Math.floor(left / 3600)) + ":" + pad(Math.floor(left % 3600 / 60)) + ":" + pad(left % 60);
  }
  function tick() {
    var now = Date.now();
    /* data-left: seconds the server counted, so a wrong clock on the phone does not matter */
    document.querySelectorAll("time[data-left]").forEach(function (el) {
      clock(el, Math.max(0, parseInt(el.dataset.left, 10) - Math.floor((now - loaded) / 1000)));
    });
    document.querySelectorAll("time[data-deadline]").forEach(function (el) {
      clock(el, Math.max(0, Math.floor((Date.parse(el.dataset.deadline) - now) / 1000)));
    });
  }
  function follow(live) {
    if (!window.EventSource) { return; }
    var version = parseInt(live.dataset.version, 10);
    var source = new EventSource(live.dataset.events);
    source.addEventListener("group", function (e) {
      var group = JSON.parse(e.data);
      if (group.version !== version) {
        fetch(live.dataset.partial, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) { if (html !== null) { live.innerHTML = html; tick(); } });
        document.querySelectorAll("img[data-live-src]").forEach(function (img) {
          img.src = img.dataset.liveSrc + "?v=" + group.version;
        });
      }
      version = group.version;
      if (group.status !== "open") { source.close(); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
    var live = document.getElementById("live");
    if (live && live.dataset.events) { follow(live); }
  });
})();
