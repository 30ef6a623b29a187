// Draws the 30-day review forecast (review page and dashboard) from the data the page embeds.
(function () {
  "use strict";
  const dataElement = document.getElementById("forecast-data");
  const canvas = document.getElementById("forecast-chart");
  if (!dataElement || !canvas || typeof Chart === "undefined") {
    return;
  }
  const days = JSON.parse(dataElement.textContent);
  const label = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
  const config = {
    type: "bar",
    data: {
      labels: days.map((d) => label.format(new Date(d.day + "T12:00:00"))),
      datasets: [
        {
          label: "Reviews due",
          data: days.map((d) => d.count),
          backgroundColor: "rgba(13, 110, 253, 0.6)",
        },
      ],
    },
    options: {
      // Drawn once, in a task of its own: on the dashboard it loads with three other charts
      // (see dashboard.js).
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  };
  const build = () => setTimeout(() => new Chart(canvas, config), 0);
  // On the dashboard the chart may sit in a closed section: it is built when that opens.
  const section = canvas.closest("details");
  if (!section || section.open) {
    build();
  } else {
    section.addEventListener("toggle", function onToggle() {
      if (section.open) {
        section.removeEventListener("toggle", onToggle);
        build();
      }
    });
  }
})();
