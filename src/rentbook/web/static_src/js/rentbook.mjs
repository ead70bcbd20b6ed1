// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "./govuk-frontend.min.js";

initAll();

// Draws each balance chart from the JSON beside it; the same numbers are in a table.
for (const canvas of document.querySelectorAll("canvas[data-rb-chart]")) {
  const source = document.getElementById(canvas.dataset.rbChart);
  if (!source || !window.Chart) continue;
  const points = JSON.parse(source.textContent);
  const brand = getComputedStyle(document.documentElement).getPropertyValue("--rb-brand") || "#00625e";
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: points.map((p) => p.week),
      datasets: [
        {
          label: "Balance (£)",
          data: points.map((p) => p.pence / 100),
          borderColor: brand.trim(),
          backgroundColor: brand.trim(),
          pointRadius: 0,
          borderWidth: 2,
          stepped: true,
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { display: false } },
      scales: {
        x: { ticks: { maxTicksLimit: 12 } },
        y: {
          ticks: {
            callback: (v) => `£${Number(v).toLocaleString("en-GB")}`,
          },
        },
      },
      font: { family: "arial, sans-serif" },
    },
  });
}
