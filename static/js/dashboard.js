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
  // Category labels are never rotated: a long name is broken into lines of a few characters.
  var flatTicks = { maxRotation: 0, minRotation: 0, autoSkip: false, callback: function (v) { return wrap(this.getLabelForValue(v)); } };

  function wrap(label) {
    label = String(label);
    var lines = [];
    for (var i = 0; i < label.length; i += 5) {
      lines.push(label.slice(i, i + 5));
    }
    return lines.length > 1 ? lines : label;
  }

  // A chart whose figures are all missing (nothing recorded yet) is not drawn as empty axes.
  function hasFigures(value) {
    if (Array.isArray(value)) {
      return value.some(hasFigures);
    }
    return typeof value === "number";
  }

  // Horizontal bars for many branches: the names stay readable on the left; the canvas grows
  // with the count (set through the DOM, which the Content Security Policy allows).
  function heightFor(canvas, count) {
    canvas.parentNode.classList.add("chart-rows");
    canvas.parentNode.style.height = Math.max(180, 60 + count * 26) + "px";
  }

  var builders = {
    // Points of each criterion per branch, stacked: the bar's height is the rubric points.
    "scores-bar": function (d, canvas) {
      heightFor(canvas, d.branches.length);
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
        options: { indexAxis: "y", maintainAspectRatio: false, maxBarThickness: 22,
          scales: { y: { stacked: true, ticks: { autoSkip: false } }, x: { stacked: true, beginAtZero: true } } },
      };
    },
    // Percentage of each criterion. With the institute's mean: the mean against the one branch
    // chosen in the select beside the chart (no legend of every branch); otherwise one polygon
    // per branch, the first few shown.
    "scores-radar": function (d, canvas) {
      var select = document.getElementById(canvas.dataset.select || "");
      if (d.average && select) {
        var chosen = parseInt(select.value, 10) || 0;
        return {
          type: "radar",
          data: {
            labels: d.criteria,
            datasets: [
              { label: d.average_label, data: d.average, borderColor: colour(0), backgroundColor: colour(0, 0.15),
                borderDash: [6, 4], spanGaps: true },
              { label: d.branches[chosen], data: d.percent[chosen], borderColor: colour(1),
                backgroundColor: colour(1, 0.15), spanGaps: true },
            ],
          },
          options: { scales: { r: { beginAtZero: true, max: 100 } } },
        };
      }
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
        // Twelve short month labels: skipped rather than rotated on a phone.
        options: { scales: { y: percentAxis, x: { ticks: { maxRotation: 0, minRotation: 0, autoSkip: true } } } },
      };
    },
    turnout: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: d.label, data: d.percent, backgroundColor: colour(1) }] },
        options: { maxBarThickness: 64, scales: { y: percentAxis, x: { ticks: flatTicks } } },
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
        options: { aspectRatio: 3, maxBarThickness: 48, scales: { y: percentAxis, x: { ticks: flatTicks } } },
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
    var data = JSON.parse(source.textContent);
    var figures = data.percent || data.points || (data.series || []).map(function (s) { return s.data; });
    if (!hasFigures(figures) && canvas.dataset.empty) {
      var note = document.createElement("p");
      note.className = "text-muted mb-0";
      note.dataset.testid = canvas.id + "-empty";
      note.textContent = canvas.dataset.empty;
      canvas.replaceWith(note);
      return;
    }
    var config = build(data, canvas);
    config.options = Object.assign({ responsive: true }, config.options);
    var chart = new Chart(canvas, config);
    canvas.dataset.drawn = "true";
    var select = document.getElementById(canvas.dataset.select || "");
    if (select) {
      select.addEventListener("change", function () {
        var fresh = build(data, canvas);
        chart.data.datasets = fresh.data.datasets;
        chart.update();
      });
    }
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
