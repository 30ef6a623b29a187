// Draws the dashboard's charts (the forecast is forecast_chart.js's) from the data the page embeds; every chart has a text
// alternative in the page, so nothing is lost without JavaScript.
(function () {
  "use strict";
  const dataElement = document.getElementById("dashboard-data");
  if (!dataElement || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(dataElement.textContent);
  // The same colours as the .series-N swatches of site.css.
  const series = ["#0d6efd", "#198754", "#d63384", "#fd7e14", "#6f42c1", "#0aa2c0", "#dc3545", "#6c757d", "#997404", "#052c65"];
  const dayLabel = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
  // Below this width the radar numbers its skills instead of naming them.
  const NARROW = 560;
  // From this width on, longer lines leave fewer of them to stack at the top and bottom.
  const WIDE = 900;

  // Each chart is built in a task of its own, and drawn once rather than animated: built
  // together and animated, the four charts of this page held a slow phone's main thread for
  // a quarter of a second during load. A chart in a closed section is built when the section
  // is first opened.
  function draw(id, config, then) {
    const canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    config.options.animation = false;
    const section = canvas.closest("details");
    const build = () => {
      const chart = new Chart(canvas, config);
      if (then) {
        then(chart);
      }
    };
    if (!section || section.open) {
      setTimeout(build, 0);
      return;
    }
    const onToggle = () => {
      if (section.open) {
        section.removeEventListener("toggle", onToggle);
        setTimeout(build, 0);
      }
    };
    section.addEventListener("toggle", onToggle);
  }

  draw("retention-chart", {
    type: "bar",
    data: {
      labels: data.retention.map((m) => m.month),
      datasets: [{ label: "Recalled (%)", data: data.retention.map((m) => m.rate), backgroundColor: series[1] }],
    },
    options: {
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, max: 100 } },
    },
  });

  // The grade trend: the chart has no legend of its own (it squeezed the plot on a phone);
  // the ticked boxes under it are the legend, and choose which topics it draws.
  const topics = data.topicTrends;
  const weeks = [...new Set(topics.flatMap((t) => t.points.map((p) => p.week)))].sort();
  const choices = document.querySelector(".trend-topics");
  draw(
    "trend-chart",
    {
      type: "line",
      data: {
        labels: weeks.map((w) => dayLabel.format(new Date(w + "T12:00:00"))),
        datasets: topics.map((topic) => {
          const byWeek = Object.fromEntries(topic.points.map((p) => [p.week, p.grade]));
          return {
            label: topic.name,
            data: weeks.map((w) => (w in byWeek ? byWeek[w] : null)),
            borderColor: series[topic.series],
            backgroundColor: series[topic.series],
            spanGaps: true,
            hidden: !topic.shown,
          };
        }),
      },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { min: 0, max: 4, ticks: { stepSize: 1 }, title: { display: true, text: "Mean grade" } } },
      },
    },
    (chart) => {
      if (!choices) {
        return;
      }
      // Boxes ticked before the chart was built count too.
      choices.querySelectorAll("input[type=checkbox]").forEach((box) => {
        const index = Number(box.value);
        chart.setDatasetVisibility(index, box.checked);
        box.addEventListener("change", () => {
          chart.setDatasetVisibility(index, box.checked);
          chart.update();
        });
      });
      chart.update();
    },
  );
  if (choices) {
    choices.hidden = false;
  }

  // Long skill names break onto lines of about this many characters beside the radar.
  function wrap(name, width) {
    const lines = [];
    let line = "";
    name.split(" ").forEach((word) => {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    lines.push(line);
    return lines;
  }

  const radar = data.radar;
  if (radar.labels.length) {
    const numbered = radar.labels.map((_, i) => String(i + 1));
    // Labels at the sides of the radar have room to spread sideways; those near the top and
    // bottom sit close to their neighbours, so they break into shorter lines.
    const shaped = (narrowest, widest) =>
      radar.labels.map((name, i) => {
        const across = Math.abs(Math.sin((2 * Math.PI * i) / radar.labels.length));
        return wrap(name, Math.round(narrowest + (widest - narrowest) * across));
      });
    const wrapped = shaped(9, 16);
    const wide = shaped(15, 26);
    const labelsFor = (width) => (width < NARROW ? numbered : width < WIDE ? wrapped : wide);
    const canvas = document.getElementById("radar-chart");
    draw("radar-chart", {
      type: "radar",
      data: {
        labels: labelsFor(canvas ? canvas.parentElement.clientWidth || window.innerWidth : window.innerWidth),
        datasets: [
          { label: "Target", data: radar.target, borderColor: "#6c757d", backgroundColor: "rgba(108,117,125,0.1)", borderDash: [4, 4] },
          { label: "Self-rating", data: radar.self, borderColor: series[0], backgroundColor: "rgba(13,110,253,0.15)" },
          { label: "Answers", data: radar.answers, borderColor: series[1], backgroundColor: "rgba(25,135,84,0.15)" },
          { label: "Memory", data: radar.memory, borderColor: series[2], backgroundColor: "rgba(214,51,132,0.1)" },
        ],
      },
      options: {
        maintainAspectRatio: false,
        // A phone turned sideways, or a window made wider, swaps numbers and names.
        onResize: (chart, size) => {
          const labels = labelsFor(size.width);
          if (chart.data.labels !== labels) {
            chart.data.labels = labels;
            setTimeout(() => chart.update(), 0);
          }
        },
        plugins: {
          legend: { labels: { boxWidth: 14 } },
          tooltip: { callbacks: { title: (items) => (items.length ? radar.labels[items[0].dataIndex] : "") } },
        },
        scales: {
          r: {
            min: 0,
            max: 4,
            ticks: { stepSize: 1, backdropColor: "transparent" },
            pointLabels: { font: { size: 11 } },
          },
        },
      },
    });
  }
})();
