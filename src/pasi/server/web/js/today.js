// Today: the day at a glance. The brief (each line cited, with what it opens and what can be
// done with it), what pasi is holding for the user's word, and what it learnt since yesterday.

import { AuthError, api } from "./api.js";
import { openDetail } from "./detail.js";
import { clear, day, field, h, showError, statusLine, uid, when } from "./ui.js";

const SECTIONS = {
  calendar: "Calendar",
  reminders: "Reminders",
  goals: "Goal check-ins",
  birthdays: "Birthdays",
  people: "People to keep up with",
};
const SNOOZES = [["1 hour", "in 1 hour"], ["Tomorrow", "tomorrow at 9:00"]];

function citeButton(line) {
  const target = line.target;
  const tag = h("span", { class: "tag" }, `[${line.cite}]`);
  if (target && (target.kind === "item" || target.kind === "memory")) {
    return h("button", { type: "button", class: "cite", onclick: () => openDetail(target.kind, target.id),
      "aria-label": `Open source ${line.cite}` }, tag);
  }
  return tag;
}

function lineActions(line, ctx) {
  const target = line.target;
  if (!target) return null;
  const act = (label, run, done) => {
    const button = h("button", { type: "button", "aria-label": `${label}: ${line.text}` }, label);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await run();
        ctx.reload(done);
      } catch (error) {
        if (error instanceof AuthError) return ctx.onAuthError(error);
        button.disabled = false;
        ctx.say(error.message);
      }
    });
    return button;
  };
  if (target.kind === "reminder") {
    return [
      act("Done", () => api(`/api/reminders/${target.id}/done`, { method: "POST" }), `Done: ${line.text}`),
      ...SNOOZES.map(([label, until]) =>
        act(`Snooze ${label.toLowerCase()}`, () => api(`/api/reminders/${target.id}/snooze`, { method: "POST", body: { until } }),
          `Snoozed until ${until}: ${line.text}`)),
    ];
  }
  if (target.kind === "goal") return h("a", { href: `#/goals/${target.id}`, class: "button-link", "aria-label": `Check in: ${line.text}` }, "Check in");
  if (target.kind === "person") return h("a", { href: `#/people/${target.id}`, class: "button-link", "aria-label": `Open: ${line.text}` }, "Open");
  return h("button", { type: "button", onclick: () => openDetail(target.kind, target.id), "aria-label": `Open: ${line.text}` }, "Open");
}

function briefSection(lines, ctx) {
  if (!lines.length) {
    return h("p", { class: "muted" }, "Nothing on the calendar, no reminders due, no check-ins, no birthdays this week.");
  }
  return Object.entries(SECTIONS).map(([section, title]) => {
    const chosen = lines.filter((line) => line.section === section);
    if (!chosen.length) return null;
    const id = uid("brief");
    return h("section", { class: "brief-group", "aria-labelledby": id },
      h("h3", { id }, title),
      h("ul", { class: "brief-lines" }, chosen.map((line) =>
        h("li", { class: "brief-line" },
          h("p", { class: "brief-text" }, line.text, " ", citeButton(line)),
          line.source ? h("p", { class: "meta", title: line.source }, line.source.split("/").pop()) : null,
          h("div", { class: "actions" }, lineActions(line, ctx))))));
  });
}

function heldMemory(held, ctx) {
  const keep = h("button", { type: "button", class: "primary", "aria-label": `Keep: ${held.text}` }, "Keep");
  const drop = h("button", { type: "button", "aria-label": `Drop: ${held.text}` }, "Drop");
  const decide = async (request, message) => {
    keep.disabled = drop.disabled = true;
    try {
      await request();
      ctx.reload(message);
    } catch (error) {
      if (error instanceof AuthError) return ctx.onAuthError(error);
      keep.disabled = drop.disabled = false;
      ctx.say(error.message);
    }
  };
  keep.addEventListener("click", () => decide(() => api(`/api/held/${held.id}/keep`, { method: "POST" }), `Kept: ${held.text}`));
  drop.addEventListener("click", () => decide(() => api(`/api/held/${held.id}`, { method: "DELETE" }), `Dropped: ${held.text}`));
  return h("li", { class: "card held" },
    h("p", { class: "memory-text" }, held.text),
    h("p", { class: "meta" }, `Held back: ${held.reason}`),
    held.evidence.length
      ? h("p", { class: "meta" }, "From ", held.evidence.map((id) =>
          h("button", { type: "button", class: "cite", onclick: () => openDetail("episode", id), "aria-label": `Open turn t${id}` }, `[t${id}]`)))
      : null,
    h("div", { class: "actions" }, keep, drop));
}

function pendingAction(action, ctx) {
  const decide = (choice) => async () => {
    try {
      await api(`/api/actions/${action.id}/${choice}`, { method: "POST" });
      ctx.reload(choice === "approve" ? `Approved: ${action.tool}.` : `Denied: ${action.tool}.`);
    } catch (error) {
      if (error instanceof AuthError) return ctx.onAuthError(error);
      ctx.say(error.message);
    }
  };
  return h("li", { class: "card confirm" },
    h("p", {}, h("strong", {}, `pasi asks to use ${action.tool}`)),
    action.reason ? h("p", {}, action.reason) : null,
    h("pre", { class: "arguments" }, JSON.stringify(action.arguments ?? {}, null, 2)),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "primary", onclick: decide("approve"), "aria-label": `Approve ${action.tool}` }, "Approve"),
      h("button", { type: "button", onclick: decide("deny"), "aria-label": `Deny ${action.tool}` }, "Deny")));
}

function consentQuestion(waiting, ctx) {
  const answer = (agree) => async () => {
    try {
      await api(`/api/consent/${waiting.kind}`, { method: "POST", body: { agree } });
      ctx.reload(agree ? `pasi may now keep ${waiting.kind} memories.` : `pasi will not keep ${waiting.kind} memories.`);
    } catch (error) {
      if (error instanceof AuthError) return ctx.onAuthError(error);
      ctx.say(error.message);
    }
  };
  return h("li", { class: "card" },
    h("p", {}, `${waiting.held_turns} of your messages mention ${waiting.kind}. May pasi learn from them? They stay on this machine either way.`),
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: answer(true) }, `Yes, learn ${waiting.kind}`),
      h("button", { type: "button", onclick: answer(false) }, `No ${waiting.kind} memories`)));
}

function learntMemory(memory, ctx) {
  const item = h("li", { class: "memory" });
  const show = () => clear(item,
    h("p", { class: "memory-text" }, memory.text),
    h("p", { class: "meta" }, `${memory.kind} · ${when(memory.recorded_at)}`),
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: () => openDetail("memory", memory.id), "aria-label": `Where from: ${memory.text}` }, "Where from"),
      h("button", { type: "button", onclick: correct, "aria-label": `Correct: ${memory.text}` }, "Correct"),
      h("button", { type: "button", class: "danger", onclick: forget, "aria-label": `Forget: ${memory.text}` }, "Forget")));
  const correct = () => {
    const text = h("textarea", { name: "text", rows: 2, required: true });
    text.value = memory.text;
    const form = h("form", { class: "edit", "aria-label": `Correct: ${memory.text}` },
      field("Corrected statement", text, "The old version is kept in the history."),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Save"),
        h("button", { type: "button", onclick: show }, "Cancel")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api(`/api/memories/${memory.id}`, { method: "PATCH", body: { text: text.value } });
        ctx.reload("Corrected; the old version is in its history.");
      } catch (error) {
        if (error instanceof AuthError) return ctx.onAuthError(error);
        ctx.say(error.message);
      }
    });
    clear(item, form);
    text.focus();
  };
  const forget = async () => {
    if (!window.confirm(`Forget this?\n\n“${memory.text}”`)) return;
    try {
      await api(`/api/memories/${memory.id}`, { method: "DELETE" });
      ctx.reload(`Forgot: ${memory.text}`);
    } catch (error) {
      if (error instanceof AuthError) return ctx.onAuthError(error);
      ctx.say(error.message);
    }
  };
  show();
  return item;
}

function section(id, title, ...content) {
  return h("section", { class: "today-part", "aria-labelledby": id }, h("h2", { id }, title), content);
}

export async function todayView(main, onAuthError) {
  const status = statusLine();
  const body = h("div", { class: "today-body" });
  const heading = h("h1", { id: "today-title" }, "Today");
  main.replaceChildren(h("section", { class: "view today", "aria-labelledby": "today-title" }, heading, status, body));
  const ctx = {
    onAuthError,
    say: (text) => (status.textContent = text),
    reload: (message) => {
      ctx.say(message || "");
      load().catch(onAuthError);
    },
  };
  async function load() {
    const [today, actions] = await Promise.all([api("/api/today"), api("/api/actions")]);
    heading.textContent = `Today, ${day(`${today.day}T12:00:00`)}`;
    const waiting = today.held_memories.length + actions.length + today.consent_waiting.length;
    clear(body,
      section("brief-title", "Your day", briefSection(today.brief, ctx)),
      section("waiting-title", "Waiting for your word",
        waiting
          ? [
              actions.length ? h("ul", { class: "plain-list", "aria-label": "Actions to approve" }, actions.map((a) => pendingAction(a, ctx))) : null,
              today.consent_waiting.length ? h("ul", { class: "plain-list", "aria-label": "Questions" }, today.consent_waiting.map((w) => consentQuestion(w, ctx))) : null,
              today.held_memories.length
                ? [h("p", { class: "hint" }, "pasi held these back instead of storing them: keep the right ones."),
                   h("ul", { class: "plain-list", "aria-label": "Held memories" }, today.held_memories.map((m) => heldMemory(m, ctx)))]
                : null,
            ]
          : h("p", { class: "muted" }, "Nothing is waiting for you.")),
      section("learnt-title", "Learnt since yesterday",
        today.learnt.length
          ? h("ul", { class: "memory-list" }, today.learnt.map((m) => learntMemory(m, ctx)))
          : h("p", { class: "muted" }, "Nothing new since yesterday.")));
  }
  try {
    await load();
  } catch (error) {
    if (error instanceof AuthError) return onAuthError(error);
    showError(body, error);
  }
}
