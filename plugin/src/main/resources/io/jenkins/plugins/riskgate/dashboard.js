// Draws the Deployment risk dashboard's charts with ECharts (from the echarts-api plugin).
// The data comes escaped in the data-charts attribute; nothing is evaluated.
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("riskgate-charts");
  if (!holder || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(holder.getAttribute("data-charts") || "{}");
  var weeks = (data.weekly || []).map(function (w) { return w.start.substring(0, 10); });
  function chart(id, option) {
    var element = document.getElementById(id);
    if (element) {
      echarts.init(element).setOption(option);
    }
  }
  chart("riskgate-weekly", {
    tooltip: { trigger: "axis" },
    legend: { data: ["deployments", "failed or rolled back"] },
    xAxis: { type: "category", data: weeks },
    yAxis: { type: "value" },
    series: [
      { name: "deployments", type: "bar", data: data.weekly.map(function (w) { return w.deployments - w.failures; }), stack: "d", itemStyle: { color: "#1f77b4" } },
      { name: "failed or rolled back", type: "bar", data: data.weekly.map(function (w) { return w.failures; }), stack: "d", itemStyle: { color: "#d62728" } }
    ]
  });
  var leads = data.weekly.map(function (w) { return w.leadTimeMedian; });
  var longest = Math.max.apply(null, leads.filter(function (v) { return v != null; }).concat([0]));
  var unit = longest >= 172800 ? [86400, "days"] : longest >= 7200 ? [3600, "hours"] : longest >= 120 ? [60, "minutes"] : [1, "seconds"];
  function inUnit(v) { return v == null ? "n/a" : (v / unit[0]).toFixed(1) + " " + unit[1]; }
  chart("riskgate-lead", {
    tooltip: { trigger: "axis", valueFormatter: inUnit },
    xAxis: { type: "category", data: weeks },
    yAxis: { type: "value", name: unit[1], axisLabel: { formatter: function (v) { return (v / unit[0]).toFixed(1); } } },
    series: [{ type: "line", data: leads, connectNulls: false }]
  });
  var levels = data.calibration || [];
  chart("riskgate-calibration", {
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "n/a" : (v * 100).toFixed(1) + "%"; } },
    xAxis: { type: "category", data: levels.map(function (l) { return l.level + " (" + l.deployments + ")"; }), axisLabel: { interval: 0 } },
    yAxis: { type: "value", max: 1, axisLabel: { formatter: function (v) { return (v * 100).toFixed(0) + "%"; } } },
    series: [{ type: "bar", data: levels.map(function (l) { return l.changeFailureRate; }), itemStyle: { color: "#ff7f0e" } }]
  });
});
