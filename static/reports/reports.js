/* Draws the report's charts from the JSON the page carries (marketplace/reports/charts.py). */
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || typeof Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  var palette = ["#1f6f8b", "#e07a1f", "#4a9d5b", "#a23b72", "#6c757d", "#d1495b",
                 "#00798c", "#edae49", "#66a182", "#8d6a9f", "#2e4057", "#c2847a"];
  var money = new Intl.NumberFormat(document.documentElement.lang || "nl",
                                    { style: "currency", currency: "EUR" });
  window.reportCharts = [];
  Object.keys(charts).forEach(function (id) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    var spec = charts[id];
    var horizontal = spec.type === "bar";
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = palette[index % palette.length];
      var styled = Object.assign({}, dataset);
      if (spec.type === "doughnut" || spec.type === "bar") {
        styled.backgroundColor = spec.type === "doughnut" ? palette.slice(0, dataset.data.length) : colour;
      } else {
        styled.borderColor = colour;
        styled.backgroundColor = colour;
        styled.tension = 0.2;
        styled.pointRadius = 2;
      }
      return styled;
    });
    var options = { responsive: true, maintainAspectRatio: false, animation: false,
                    plugins: { legend: { position: "bottom" } } };
    if (spec.type === "line") {
      options.scales = {
        y: { position: "left", ticks: { callback: function (v) { return money.format(v); } } },
        y1: { position: "right", grid: { drawOnChartArea: false }, beginAtZero: true }
      };
    } else if (horizontal) {
      options.indexAxis = "y";
      options.plugins.legend.display = false;
      options.scales = { x: { ticks: { callback: function (v) { return money.format(v); } } } };
    }
    window.reportCharts.push(new Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options }));
  });
})();
