// Draws the dashboard's charts (reports/dashboard.html) with the locally served Chart.js.
// No inline script: each <canvas data-chart="…" data-source="id"> reads its figures from the
// <script type="application/json" id="id"> written by Django's json_script. Every label comes
// translated from the server; the same figures are in the table below each chart.
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }

  // The party red first, then distinguishable colours.
  var PALETTE = ["#c8102e", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf"];

  function colour(i, alpha) {
    var hex = PALETTE[i % PALETTE.length];
    if (alpha === undefined) {
      return hex;
    }
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + ((n >> 16) & 255) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
  }

  var percentAxis = { beginAtZero: true, max: 100, ticks: { callback: function (v) { return v + "%"; } } };

  var builders = {
    // Points of each criterion per branch, stacked: the bar's height is the rubric points.
    "scores-bar": function (d) {
      return {
        type: "bar",
        data: {
          labels: d.branches,
          datasets: d.criteria.map(function (label, c) {
            return {
              label: label,
              data: d.points.map(function (row) { return row[c]; }),
              backgroundColor: colour(c),
            };
          }),
        },
        options: { maxBarThickness: 64, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
      };
    },
    // Percentage of each criterion: one polygon per branch (the first few shown), and the mean.
    "scores-radar": function (d) {
      var datasets = d.branches.map(function (name, b) {
        return {
          label: name,
          data: d.percent[b],
          borderColor: colour(b + 1),
          backgroundColor: colour(b + 1, 0.1),
          hidden: b >= d.shown,
          spanGaps: true,
        };
      });
      if (d.average) {
        datasets.unshift({
          label: d.average_label,
          data: d.average,
          borderColor: colour(0),
          backgroundColor: colour(0, 0.15),
          borderDash: [6, 4],
          spanGaps: true,
        });
      }
      return {
        type: "radar",
        data: { labels: d.criteria, datasets: datasets },
        options: { scales: { r: { beginAtZero: true, max: 100 } } },
      };
    },
    compliance: function (d) {
      return {
        type: "line",
        data: {
          labels: d.labels,
          datasets: [{ label: d.label, data: d.percent, borderColor: colour(0), backgroundColor: colour(0, 0.2),
            fill: true, spanGaps: false, tension: 0 }],
        },
        options: { scales: { y: percentAxis } },
      };
    },
    turnout: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: d.label, data: d.percent, backgroundColor: colour(1) }] },
        options: { maxBarThickness: 64, scales: { y: percentAxis } },
      };
    },
    pledges: function (d) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: d.series.map(function (s, i) {
            return { label: s.label, data: s.data, backgroundColor: colour(i) };
          }),
        },
        // Full width: flatter than the default 2:1.
        options: { aspectRatio: 3, maxBarThickness: 48, scales: { y: percentAxis } },
      };
    },
    member: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: d.label, data: d.percent, backgroundColor: colour(0) }] },
        options: { indexAxis: "y", aspectRatio: 3, maxBarThickness: 32, scales: { x: percentAxis } },
      };
    },
  };

  function draw(canvas) {
    var build = builders[canvas.dataset.chart];
    var source = document.getElementById(canvas.dataset.source);
    if (!build || !source) {
      return;
    }
    var config = build(JSON.parse(source.textContent));
    config.options = Object.assign({ responsive: true }, config.options);
    new Chart(canvas, config);
    canvas.dataset.drawn = "true";
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
