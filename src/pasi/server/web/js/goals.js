// Goals: the active ones with their progress chart; one goal's page to edit it, check in,
// add and reach milestones, see the evidence behind each note, and finish or drop it.

import { AuthError, api } from "./api.js";
import { describeProgress, progressChart } from "./chart.js";
import { openDetail } from "./detail.js";
import { clear, field, h, showError, statusLine, when } from "./ui.js";

const STATUSES = [["active", "Active"], ["done", "Done"], ["abandoned", "Dropped"], ["all", "All"]];

function submitting(form, run, ctx) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await run();
    } catch (error) {
      if (error instanceof AuthError) return ctx.onAuthError(error);
      ctx.say(error.message);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function newGoalForm(ctx) {
  const title = h("input", { type: "text", name: "title", required: true, autocomplete: "off" });
  const why = h("input", { type: "text", name: "why", autocomplete: "off" });
  const steps = h("textarea", { name: "milestones", rows: 3 });
  const checkIn = h("input", { type: "text", name: "check_in", autocomplete: "off", placeholder: "every Sunday evening" });
  const due = h("input", { type: "text", name: "due", autocomplete: "off", placeholder: "end of June" });
  const form = h("form", { class: "add", "aria-label": "New goal" },
    field("Goal", title), field("Why it matters", why),
    field("Milestones", steps, "One per line."),
    field("Check in", checkIn, "How often pasi asks how it goes, in plain words."),
    field("Due", due, "Optional, in plain words."),
    h("button", { type: "submit", class: "primary" }, "Add goal"));
  submitting(form, async () => {
    const made = await api("/api/goals", { method: "POST", body: {
      title: title.value, why: why.value || null, check_in: checkIn.value || null, due: due.value || null,
      milestones: steps.value.split("\n").map((s) => s.trim()).filter(Boolean),
    } });
    location.hash = `#/goals/${made.id}`;
  }, ctx);
  return h("details", { class: "add-memory" }, h("summary", {}, "New goal"), form);
}

function milestoneSummary(goal) {
  if (!goal.milestones.length) return null;
  const done = goal.milestones.filter((m) => m.done_at).length;
  return `${done} of ${goal.milestones.length} milestones`;
}

function goalCard(goal) {
  const facts = [milestoneSummary(goal), `${goal.progress.length} check-in${goal.progress.length === 1 ? "" : "s"}`,
    goal.next_check_in ? `next check-in ${when(goal.next_check_in)}` : null, goal.due ? `due ${when(goal.due)}` : null,
    goal.status !== "active" ? goal.status : null].filter(Boolean);
  return h("li", { class: "card goal" },
    h("h2", { class: "goal-title" }, h("a", { href: `#/goals/${goal.id}` }, goal.title)),
    goal.why ? h("p", {}, goal.why) : null,
    h("p", { class: "meta" }, facts.join(" · ")),
    progressChart(goal, { height: 110 }));
}

async function listView(body, ctx, status = "active") {
  const goals = await api("/api/goals", { query: { status } });
  const filter = h("select", { name: "status" }, STATUSES.map(([value, label]) => h("option", { value, selected: value === status }, label)));
  filter.addEventListener("change", () => listView(body, ctx, filter.value).catch(ctx.onAuthError));
  clear(body, newGoalForm(ctx), field("Show", filter),
    goals.length
      ? h("ul", { class: "plain-list" }, goals.map(goalCard))
      : h("p", { class: "muted" }, status === "active" ? "No active goals. Add one above, or tell pasi in the chat." : "None."));
}

function editForm(goal, ctx) {
  const title = h("input", { type: "text", name: "title", required: true, autocomplete: "off" });
  const why = h("input", { type: "text", name: "why", autocomplete: "off" });
  title.value = goal.title;
  why.value = goal.why || "";
  const form = h("form", { class: "edit", "aria-label": "Edit the goal" },
    field("Goal", title), field("Why it matters", why),
    h("button", { type: "submit" }, "Save changes"));
  return submitting(form, async () => {
    await api(`/api/goals/${goal.id}`, { method: "PATCH", body: { title: title.value, why: why.value } });
    ctx.reload("Saved.");
  }, ctx);
}

function checkInForm(goal, ctx) {
  const note = h("textarea", { name: "note", rows: 2, required: true });
  const open = goal.milestones.map((m, i) => [m, i + 1]).filter(([m]) => !m.done_at);
  const reached = h("select", { name: "milestone" }, h("option", { value: "" }, "none"),
    open.map(([m, n]) => h("option", { value: n }, m.text)));
  const form = h("form", { class: "check-in", "aria-label": "Check in" },
    field("How is it going?", note),
    open.length ? field("Milestone reached", reached) : null,
    h("button", { type: "submit", class: "primary" }, "Check in"));
  return submitting(form, async () => {
    const body = { note: note.value };
    if (reached.value) body.milestone = Number(reached.value);
    await api(`/api/goals/${goal.id}/progress`, { method: "POST", body });
    ctx.reload("Checked in.");
  }, ctx);
}

function milestones(goal, ctx) {
  const text = h("input", { type: "text", name: "milestone", required: true, autocomplete: "off" });
  const form = submitting(h("form", { class: "search", "aria-label": "Add a milestone" },
    field("New milestone", text), h("button", { type: "submit" }, "Add")), async () => {
    await api(`/api/goals/${goal.id}/milestones`, { method: "POST", body: { text: text.value } });
    ctx.reload("Milestone added.");
  }, ctx);
  return [
    goal.milestones.length
      ? h("ol", { class: "milestones" }, goal.milestones.map((m) =>
          h("li", { class: m.done_at ? "done" : "" }, m.text, " ",
            h("span", { class: "meta" }, m.done_at ? `reached ${when(m.done_at)}` : "not yet"))))
      : h("p", { class: "muted" }, "No milestones yet."),
    goal.status === "active" ? form : null,
  ];
}

function progressList(goal) {
  if (!goal.progress.length) return h("p", { class: "muted" }, "No check-ins yet.");
  return h("ol", { class: "progress-notes", reversed: true }, [...goal.progress].reverse().map((p) =>
    h("li", {},
      h("p", { class: "turn-text" }, p.note),
      h("p", { class: "meta" }, when(p.at), p.evidence.length ? " · said in " : " · checked in here",
        p.evidence.map((id) => h("button", { type: "button", class: "cite", onclick: () => openDetail("episode", id), "aria-label": `Open turn t${id}` }, `[t${id}]`))))));
}

async function goalView(body, ctx, id) {
  const goal = await api(`/api/goals/${id}`);
  const close = (status, label) => h("button", { type: "button", class: status === "abandoned" ? "danger" : "", onclick: async () => {
    try {
      await api(`/api/goals/${id}/close`, { method: "POST", body: { status } });
      ctx.reload(status === "done" ? "Well done: the goal is finished." : "The goal is dropped.");
    } catch (error) {
      if (error instanceof AuthError) return ctx.onAuthError(error);
      ctx.say(error.message);
    }
  } }, label);
  ctx.title(goal.title);
  clear(body,
    h("p", {}, h("a", { href: "#/goals" }, "All goals")),
    goal.why ? h("p", {}, `Why: ${goal.why}`) : null,
    h("p", { class: "meta" }, [goal.status, goal.check_in ? `check-in ${goal.check_in}` : null,
      goal.next_check_in ? `next ${when(goal.next_check_in)}` : null, goal.due ? `due ${when(goal.due)}` : null].filter(Boolean).join(" · ")),
    h("figure", { class: "chart-figure" }, progressChart(goal), h("figcaption", { class: "meta" }, describeProgress(goal))),
    goal.status === "active" ? h("section", { "aria-labelledby": "checkin-title" }, h("h2", { id: "checkin-title" }, "Check in"), checkInForm(goal, ctx)) : null,
    h("section", { "aria-labelledby": "milestones-title" }, h("h2", { id: "milestones-title" }, "Milestones"), milestones(goal, ctx)),
    h("section", { "aria-labelledby": "progress-title" }, h("h2", { id: "progress-title" }, "Progress"), progressList(goal)),
    goal.status === "active"
      ? h("details", {}, h("summary", {}, "Edit or close"), editForm(goal, ctx), h("div", { class: "actions" }, close("done", "Mark as done"), close("abandoned", "Drop this goal")))
      : null);
}

export async function goalsView(main, onAuthError, id) {
  const status = statusLine();
  const body = h("div");
  const heading = h("h1", { id: "goals-title" }, "Goals");
  main.replaceChildren(h("section", { class: "view goals", "aria-labelledby": "goals-title" }, heading, status, body));
  const ctx = {
    onAuthError,
    say: (text) => (status.textContent = text),
    title: (text) => (heading.textContent = text),
    reload: (message) => {
      status.textContent = message || "";
      (id ? goalView(body, ctx, id) : listView(body, ctx)).catch(onAuthError);
    },
  };
  try {
    await (id ? goalView(body, ctx, id) : listView(body, ctx));
  } catch (error) {
    if (error instanceof AuthError) return onAuthError(error);
    showError(body, error);
  }
}
