// Draws the salary comparison chart of the role guide from the data the page embeds.
(function () {
  "use strict";
  const dataElement = document.getElementById("salary-chart-data");
  const canvas = document.getElementById("salary-chart");
  if (!dataElement || !canvas || typeof Chart === "undefined") {
    return;
  }
  const rows = JSON.parse(dataElement.textContent);
  const dollars = new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: "USD",
    maximumFractionDigits: 0,
  });

  const config = {
    data: {
      labels: rows.map((row) => row.country),
      datasets: [
        {
          type: "bar",
          label: "Range, low to high (USD)",
          data: rows.map((row) => [row.low, row.high]),
          backgroundColor: "rgba(13, 110, 253, 0.35)",
          borderColor: "rgb(13, 110, 253)",
          borderWidth: 1,
          borderSkipped: false,
          order: 2,
        },
        {
          type: "scatter",
          label: "Average (USD)",
          data: rows.map((row, index) => ({ x: row.average, y: index })),
          backgroundColor: "rgb(25, 135, 84)",
          pointRadius: 5,
          order: 1,
          yAxisID: "y",
        },
      ],
    },
    options: {
      // Drawn once: the growing animation redraws the chart on every frame while the page loads.
      animation: false,
      indexAxis: "y",
      maintainAspectRatio: false,
      scales: {
        x: {
          beginAtZero: true,
          ticks: { callback: (value) => dollars.format(value) },
        },
        y: { type: "category" },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: (context) => {
              const row = rows[context.dataIndex];
              if (context.dataset.type === "scatter") {
                return `Average ${dollars.format(row.average)}`;
              }
              return `${dollars.format(row.low)} to ${dollars.format(row.high)}`;
            },
          },
        },
      },
    },
  };
  // Built after the first frame: the chart measures its box, and measured before the page has
  // been laid out it forces the layout of this long page into its own task, which then blocked
  // the main thread for up to a fifth of a second on a slow phone.
  requestAnimationFrame(() => setTimeout(() => new Chart(canvas, config), 0));
})();
