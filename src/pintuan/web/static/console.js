/* Progressive enhancement for console pages: countdowns tick from the server's figure, and a
   flash sale's page follows the sale's Server-Sent Events (remaining units, orders/s). */
(function () {
  "use strict";
  var loaded = Date.now();
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var gone = Math.floor((Date.now() - loaded) / 1000);
    document.querySelectorAll("time[data-left]").forEach(function (el) {
      var left = Math.max(0, parseInt(el.dataset.left, 10) - gone);
      el.textContent = pad(Math.floor(left / 3600)) + ":" + pad(Math.floor(left % 3600 / 60)) + ":" + pad(left % 60);
    });
  }
  function set(row, field, value) {
    var cell = row.querySelector('[data-field="' + field + '"]');
    if (cell) { cell.textContent = value; }
  }
  function follow(live) {
    if (!window.EventSource) { return; }
    var source = new EventSource(live.dataset.events);
    var at = live.querySelector('[data-field="at"]');
    source.addEventListener("counters", function (e) {
      var data = JSON.parse(e.data);
      data.items.forEach(function (item) {
        var row = live.querySelector('[data-item="' + item.item_id + '"]');
        if (!row) { return; }
        set(row, "taken", item.taken);
        set(row, "remaining", item.remaining);
        set(row, "orders_per_s", item.orders_per_s);
      });
      if (at) { at.textContent = data.at.slice(11, 19) + " UTC"; }
    });
    source.addEventListener("ended", function () { source.close(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
    var live = document.getElementById("flash-live");
    if (live && live.dataset.events) { follow(live); }
  });
})();
