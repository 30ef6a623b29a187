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

  new Chart(canvas, {
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
  });
})();
