// Life at a glance, drawn as SVG: one column per month from the first to the last that holds
// anything, memories learnt above the axis and passages (stacked by where they came from)
// below it, each half scaled to its own largest month. A column is a button: clicking it, or
// Enter or Space on it, calls onPick(month). Sibling of chart.js; no framework.

const SVG = "http://www.w3.org/2000/svg";
const PAD = { left: 8, right: 8, top: 18, bottom: 22 };

function el(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

const sum = (counts) => Object.values(counts || {}).reduce((a, b) => a + b, 0);

/** "2024-03" → "Mar 2024". */
export function monthName(month, style = "short") {
  const [year, number] = month.split("-").map(Number);
  return new Date(Date.UTC(year, number - 1, 1)).toLocaleDateString(undefined, { month: style, year: "numeric", timeZone: "UTC" });
}

/** Every month from the first to the last given, the empty ones included, oldest first. */
export function monthRange(months) {
  if (!months.length) return [];
  const byName = new Map(months.map((m) => [m.month, m]));
  let [year, number] = months[0].month.split("-").map(Number);
  const last = months[months.length - 1].month;
  const out = [];
  for (;;) {
    const name = `${year}-${String(number).padStart(2, "0")}`;
    out.push(byName.get(name) || { month: name, memories: {}, passages: {} });
    if (name >= last) return out;
    number += 1;
    if (number > 12) [year, number] = [year + 1, 1];
  }
}

/** What one month holds, in words (a column's accessible name). */
export function describeMonth(m) {
  const memories = sum(m.memories);
  const parts = Object.entries(m.passages || {}).map(([origin, n]) => `${n} from ${origin}`);
  return `${monthName(m.month, "long")}: ${memories} ${memories === 1 ? "memory" : "memories"} learnt` +
    (parts.length ? `, ${sum(m.passages)} passages (${parts.join(", ")})` : ", no passages");
}

/** The chart's accessible name: the span and the totals. */
export function describeLife(timeline) {
  const months = timeline.months;
  if (!months.length) return "Nothing recorded yet.";
  const memories = months.reduce((n, m) => n + sum(m.memories), 0);
  const passages = months.reduce((n, m) => n + sum(m.passages), 0);
  return `From ${monthName(months[0].month)} to ${monthName(months[months.length - 1].month)}: ` +
    `${memories} ${memories === 1 ? "memory" : "memories"} learnt, ${passages} ${passages === 1 ? "passage or turn" : "passages and turns"}.`;
}

/** An <svg> of ``timeline`` (GET /api/timeline); ``origins`` fixes each origin's colour. */
export function lifeChart(timeline, onPick, { width = 640, height = 200 } = {}) {
  const columns = monthRange(timeline.months);
  const origins = timeline.origins;
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart life-chart", role: "group", "aria-label": describeLife(timeline) });
  svg.append(el("title", {}, describeLife(timeline)));
  if (!columns.length) return svg;
  const inner = width - PAD.left - PAD.right;
  const step = inner / columns.length;
  const axis = PAD.top + (height - PAD.top - PAD.bottom) * 0.4; // memories above, passages below
  const above = axis - PAD.top;
  const below = height - PAD.bottom - axis - 2;
  const topMemories = Math.max(1, ...columns.map((m) => sum(m.memories)));
  const topPassages = Math.max(1, ...columns.map((m) => sum(m.passages)));
  const bar = Math.max(1, Math.min(step * 0.7, 28));
  svg.append(el("line", { class: "chart-axis-line", x1: PAD.left, y1: axis, x2: width - PAD.right, y2: axis }));
  svg.append(el("text", { class: "chart-label", x: PAD.left, y: PAD.top - 6 }, `memories (most ${topMemories})`));
  svg.append(el("text", { class: "chart-label", x: PAD.left, y: height - 6 }, monthName(columns[0].month)));
  svg.append(el("text", { class: "chart-label", x: width / 2, y: height - 6, "text-anchor": "middle" }, `passages below (most ${topPassages})`));
  svg.append(el("text", { class: "chart-label", x: width - PAD.right, y: height - 6, "text-anchor": "end" }, monthName(columns[columns.length - 1].month)));
  columns.forEach((m, i) => {
    const x = PAD.left + i * step + (step - bar) / 2;
    const column = el("g", { class: "life-month", role: "button", tabindex: 0, "aria-label": describeMonth(m), "data-month": m.month });
    column.append(el("title", {}, describeMonth(m)));
    column.append(el("rect", { class: "life-hit", x: PAD.left + i * step, y: PAD.top, width: step, height: height - PAD.top - PAD.bottom }));
    const learnt = sum(m.memories);
    if (learnt) {
      const tall = (learnt / topMemories) * above;
      column.append(el("rect", { class: "life-memories", x, y: axis - tall, width: bar, height: tall }));
    }
    let y = axis + 2;
    for (const origin of origins) {
      const n = (m.passages || {})[origin] || 0;
      if (!n) continue;
      const tall = (n / topPassages) * below;
      column.append(el("rect", { class: `life-origin life-o${origins.indexOf(origin) % 6}`, x, y, width: bar, height: tall }));
      y += tall;
    }
    const pick = () => onPick(m.month);
    column.addEventListener("click", pick);
    column.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        pick();
      }
    });
    svg.append(column);
  });
  return svg;
}
