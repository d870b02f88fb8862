// Life at a glance (on the Memories page): the months of the user's life pasi holds, as a
// chart (lifechart.js), and a picked month's memories and sources below it.

import { api } from "./api.js";
import { openDetail } from "./detail.js";
import { lifeChart, monthName } from "./lifechart.js";
import { isRecording, playButton } from "./media.js";
import { clear, h, showError } from "./ui.js";

function legend(timeline) {
  return h("ul", { class: "life-legend", "aria-label": "Legend" },
    h("li", {}, h("span", { class: "swatch life-memories" }), "memories learnt (above the line)"),
    timeline.origins.map((origin, i) => h("li", {}, h("span", { class: `swatch life-o${i % 6}` }), `passages from ${origin}`)));
}

function monthView(data) {
  const name = monthName(data.month, "long");
  return [
    h("h3", { id: "life-month-title" }, name),
    data.memories.length
      ? h("ul", { class: "memory-list", "aria-label": `Memories learnt in ${name}` }, data.memories.map((m) =>
          h("li", { class: "memory" },
            h("p", { class: "memory-text" }, m.text),
            h("p", { class: "meta" }, h("span", { class: `kind kind-${m.kind}` }, m.kind)),
            h("div", { class: "actions" }, h("button", { type: "button", onclick: () => openDetail("memory", m.id) }, "Where from",
              h("span", { class: "visually-hidden" }, ` of memory ${m.id}`))))))
      : h("p", { class: "muted" }, "No memories learnt this month."),
    data.sources.length
      ? h("ul", { class: "sources-list", "aria-label": `Sources of ${name}` }, data.sources.map((s) =>
          h("li", { class: "source" },
            h("p", { class: "source-name" }, s.title || s.uri.split("/").pop()),
            h("p", { class: "meta" }, `${s.origin} · ${s.passages} ${s.passages === 1 ? "passage" : "passages"} this month`),
            isRecording(s) ? playButton({ source: s.id }, s.title || "the recording") : null)))
      : h("p", { class: "muted" }, "No passages from this month."),
  ];
}

/** The section, loading itself; errors stay inside it (the memory list still works). */
export function glanceSection() {
  const chartSpot = h("div", { class: "chart-figure" });
  const month = h("div", { class: "life-month-detail", "aria-live": "polite" });
  const zone = h("span", { class: "life-zone" });
  const section = h("section", { class: "card life", "aria-labelledby": "life-title" },
    h("h2", { id: "life-title" }, "Life at a glance"),
    h("p", { class: "hint" }, "What pasi learnt each month, and where from. Pick a month to see it.", zone),
    chartSpot, month);
  const pick = async (name) => {
    clear(month, h("p", { class: "muted" }, "Loading…"));
    try {
      clear(month, monthView(await api(`/api/timeline/${name}`)));
    } catch (error) {
      showError(month, error);
    }
  };
  api("/api/timeline")
    .then((timeline) => {
      zone.textContent = ` Months are in your time zone, ${timeline.time_zone}.`;
      if (!timeline.months.length) return clear(chartSpot, h("p", { class: "muted" }, "Nothing yet: chat with pasi or add sources."));
      clear(chartSpot, lifeChart(timeline, pick), legend(timeline));
    })
    .catch((error) => showError(chartSpot, error));
  return section;
}
