// Draws the dashboard's charts (the forecast is forecast_chart.js's) from the data the page embeds; every chart has a text
// alternative in the page, so nothing is lost without JavaScript.
(function () {
  "use strict";
  const dataElement = document.getElementById("dashboard-data");
  if (!dataElement || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(dataElement.textContent);
  const palette = ["#0d6efd", "#198754", "#d63384", "#fd7e14", "#6f42c1", "#20c997", "#dc3545"];
  const dayLabel = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });

  // Each chart is built in a task of its own, and drawn once rather than animated: built
  // together and animated, the four charts of this page held a slow phone's main thread for
  // a quarter of a second during load.
  function draw(id, config) {
    const canvas = document.getElementById(id);
    if (canvas) {
      config.options.animation = false;
      setTimeout(() => new Chart(canvas, config), 0);
    }
  }

  draw("retention-chart", {
    type: "bar",
    data: {
      labels: data.retention.map((m) => m.month),
      datasets: [{ label: "Recalled (%)", data: data.retention.map((m) => m.rate), backgroundColor: palette[1] }],
    },
    options: {
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, max: 100 } },
    },
  });

  const topicNames = Object.keys(data.topicTrends);
  const weeks = [...new Set(topicNames.flatMap((n) => data.topicTrends[n].map((p) => p.week)))].sort();
  draw("trend-chart", {
    type: "line",
    data: {
      labels: weeks.map((w) => dayLabel.format(new Date(w + "T12:00:00"))),
      datasets: topicNames.map((name, i) => {
        const byWeek = Object.fromEntries(data.topicTrends[name].map((p) => [p.week, p.grade]));
        return {
          label: name,
          data: weeks.map((w) => (w in byWeek ? byWeek[w] : null)),
          borderColor: palette[i % palette.length],
          backgroundColor: palette[i % palette.length],
          spanGaps: true,
          hidden: i >= 4,
        };
      }),
    },
    options: { maintainAspectRatio: false, scales: { y: { min: 0, max: 4 } } },
  });

  const radar = data.radar;
  if (radar.labels.length) {
    draw("radar-chart", {
      type: "radar",
      data: {
        labels: radar.labels,
        datasets: [
          { label: "Target", data: radar.target, borderColor: "#6c757d", backgroundColor: "rgba(108,117,125,0.1)", borderDash: [4, 4] },
          { label: "Self-rating", data: radar.self, borderColor: palette[0], backgroundColor: "rgba(13,110,253,0.15)" },
          { label: "Answers", data: radar.answers, borderColor: palette[1], backgroundColor: "rgba(25,135,84,0.15)" },
          { label: "Memory", data: radar.memory, borderColor: palette[2], backgroundColor: "rgba(214,51,132,0.1)" },
        ],
      },
      options: {
        maintainAspectRatio: false,
        scales: { r: { min: 0, max: 4, ticks: { stepSize: 1 } } },
      },
    });
  }
})();
