// A goal's progress over time, drawn as SVG: check-ins counted up as a step line from the day
// the goal was set, milestones reached as diamonds on it, the due date as a dashed line.
// No framework: a few elements built with createElementNS, sized by a viewBox so it scales.

const SVG = "http://www.w3.org/2000/svg";
const PAD = { left: 34, right: 12, top: 12, bottom: 26 };
const DAY_MS = 86_400_000;

function el(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

const shortDate = (ms) => new Date(ms).toLocaleDateString(undefined, { day: "numeric", month: "short" });

/** The points of the chart, in time order: each check-in raises the count by one. */
export function progressSeries(goal) {
  const start = Date.parse(goal.created_at);
  const notes = goal.progress.map((p) => Date.parse(p.at)).sort((a, b) => a - b);
  const points = [{ t: start, n: 0 }];
  notes.forEach((t, i) => points.push({ t, n: i + 1 }));
  const reached = goal.milestones.filter((m) => m.done_at).map((m) => ({ t: Date.parse(m.done_at), text: m.text }));
  return { start, points, reached };
}

/** One sentence for screen readers (the chart's accessible name). */
export function describeProgress(goal) {
  const done = goal.milestones.filter((m) => m.done_at).length;
  const checks = goal.progress.length;
  const parts = [`${checks} check-in${checks === 1 ? "" : "s"} since ${shortDate(Date.parse(goal.created_at))}`];
  if (goal.milestones.length) parts.push(`${done} of ${goal.milestones.length} milestones reached`);
  if (goal.due) parts.push(`due ${shortDate(Date.parse(goal.due))}`);
  return `Progress: ${parts.join(", ")}.`;
}

/** An <svg> of ``goal``'s progress; ``now`` (ms) ends the time axis unless the due date is later. */
export function progressChart(goal, { width = 480, height = 160, now = Date.now() } = {}) {
  const { start, points, reached } = progressSeries(goal);
  const due = goal.due ? Date.parse(goal.due) : null;
  const end = Math.max(now, due ?? 0, ...points.map((p) => p.t), ...reached.map((m) => m.t), start + DAY_MS);
  const top = Math.max(1, points[points.length - 1].n);
  const x = (t) => PAD.left + ((t - start) / (end - start)) * (width - PAD.left - PAD.right);
  const y = (n) => height - PAD.bottom - (n / top) * (height - PAD.top - PAD.bottom);
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": describeProgress(goal) });
  svg.append(el("title", {}, describeProgress(goal)));
  const axes = el("g", { class: "chart-axes" });
  axes.append(
    el("line", { x1: PAD.left, y1: y(0), x2: width - PAD.right, y2: y(0) }),
    el("line", { x1: PAD.left, y1: y(0), x2: PAD.left, y2: y(top) }),
    el("text", { x: PAD.left - 6, y: y(top) + 4, "text-anchor": "end" }, String(top)),
    el("text", { x: PAD.left - 6, y: y(0) + 4, "text-anchor": "end" }, "0"),
    el("text", { x: PAD.left, y: height - 6 }, shortDate(start)),
    el("text", { x: width - PAD.right, y: height - 6, "text-anchor": "end" }, shortDate(end)),
  );
  svg.append(axes);
  if (due !== null) {
    svg.append(el("line", { class: "chart-due", x1: x(due), y1: y(0), x2: x(due), y2: y(top) }));
  }
  let path = `M${x(points[0].t)},${y(0)}`;
  for (const p of points.slice(1)) path += ` H${x(p.t)} V${y(p.n)}`;
  path += ` H${x(Math.min(now, end))}`;
  svg.append(el("path", { class: "chart-line", d: path, fill: "none" }));
  for (const p of points.slice(1)) svg.append(el("circle", { class: "chart-point", cx: x(p.t), cy: y(p.n), r: 3.5 }));
  for (const m of reached) {
    const count = points.filter((p) => p.t <= m.t).pop().n;
    const [cx, cy] = [x(m.t), y(count)];
    const diamond = el("path", { class: "chart-milestone", d: `M${cx},${cy - 7} L${cx + 7},${cy} L${cx},${cy + 7} L${cx - 7},${cy} Z` });
    diamond.append(el("title", {}, `Milestone reached ${shortDate(m.t)}: ${m.text}`));
    svg.append(diamond);
  }
  return svg;
}
