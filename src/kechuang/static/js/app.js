/* kechuang: draws every chart on a page from the JSON the server embedded beside it.
   <div class="chart" data-chart="ID"></div> + {{ option|json_script:"ID" }} → echarts.setOption(option).
   No inline script, no remote host: the page works offline and under a strict CSP. */
(function () {
  "use strict";
  function draw(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.dataset.chart);
      if (!src || el.dataset.drawn) { return; }
      var option = JSON.parse(src.textContent);
      option.animation = false;
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (e) { draw(e.target); });
  /* Confirm buttons: <button data-confirm="…"> asks before submitting. */
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-confirm]");
    if (b && !window.confirm(b.dataset.confirm)) { e.preventDefault(); }
  });
})();
