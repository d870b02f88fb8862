// The chat's conversation list: titles (the user's, or the model's after the first exchange, else the
// first thing they said), search, new, rename and delete (its turns; on request also what pasi
// learnt only from them).

import { AuthError, api } from "./api.js";
import { clear, field, h, uid, when } from "./ui.js";

const ORIGINS = { openai: " · from an OpenAI client", default: " · the CLI and earlier chats" };

function renameForm(conversation, ctx, item) {
  const title = h("input", { type: "text", name: "title", autocomplete: "off" });
  title.value = conversation.title || conversation.label;
  const form = h("form", { class: "rename", "aria-label": `Rename ${conversation.label}` },
    field("Title", title),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Save"),
      h("button", { type: "button", onclick: () => ctx.refresh() }, "Cancel")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api(`/api/conversations/${conversation.id}`, { method: "PATCH", body: { title: title.value } });
      ctx.refresh();
    } catch (error) {
      if (error instanceof AuthError) return ctx.onAuthError(error);
      ctx.say(error.message);
    }
  });
  clear(item, form);
  title.focus();
}

function deleteForm(conversation, ctx, item) {
  const learnt = h("input", { type: "checkbox", name: "forget_learnt", id: uid("learnt") });
  const form = h("form", { class: "delete", "aria-label": `Delete ${conversation.label}` },
    h("p", {}, `Delete “${conversation.label}” and its ${conversation.turns} turn(s)? This cannot be undone.`),
    h("div", { class: "check" }, learnt, h("label", { for: learnt.id }, "Also forget what pasi learnt only from it")),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "danger" }, "Delete"),
      h("button", { type: "button", onclick: () => ctx.refresh() }, "Cancel")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const done = await api(`/api/conversations/${conversation.id}`, { method: "DELETE", query: { forget_learnt: learnt.checked } });
      ctx.say(`Deleted ${done.turns} turns${learnt.checked ? ` and ${done.memories} memories` : ""}.`);
      ctx.deleted(conversation.id);
    } catch (error) {
      if (error instanceof AuthError) return ctx.onAuthError(error);
      ctx.say(error.message);
    }
  });
  clear(item, form);
}

function row(conversation, ctx) {
  const item = h("li", { class: "conversation" });
  const current = conversation.id === ctx.current();
  clear(item,
    h("a", { href: `#/chat/${conversation.id}`, class: "conversation-link", "aria-current": current ? "page" : null }, conversation.label),
    h("p", { class: "meta" }, `${conversation.turns} ${conversation.turns === 1 ? "turn" : "turns"}${conversation.last_at ? ` · ${when(conversation.last_at)}` : ""}${ORIGINS[conversation.origin] || ""}`),
    h("div", { class: "actions small" },
      h("button", { type: "button", onclick: () => renameForm(conversation, ctx, item), "aria-label": `Rename ${conversation.label}` }, "Rename"),
      h("button", { type: "button", class: "danger", onclick: () => deleteForm(conversation, ctx, item), "aria-label": `Delete ${conversation.label}` }, "Delete")));
  return item;
}

/** The list panel; ``hooks``: current() → id, opened(id), deleted(id), onAuthError. */
export function conversationList(hooks) {
  const list = h("ul", { class: "conversation-list", "aria-label": "Conversations" });
  const status = h("p", { class: "status", role: "status" });
  const query = h("input", { type: "search", name: "q", autocomplete: "off" });
  const ctx = { ...hooks, say: (text) => (status.textContent = text), refresh: () => refresh().catch(hooks.onAuthError) };
  async function refresh() {
    const page = await api("/api/conversations", { query: { q: query.value.trim(), limit: 100 } });
    clear(list, page.items.length ? page.items.map((c) => row(c, ctx))
      : h("li", { class: "muted" }, query.value.trim() ? "No conversation matches." : "No conversations yet."));
    return page.items;
  }
  const search = h("form", { class: "search", role: "search", "aria-label": "Find a conversation" },
    field("Search conversations", query), h("button", { type: "submit" }, "Search"));
  search.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.refresh();
  });
  const create = h("button", { type: "button", class: "primary" }, "New conversation");
  create.addEventListener("click", async () => {
    try {
      const made = await api("/api/conversations", { method: "POST", body: {} });
      location.hash = `#/chat/${made.id}`;
    } catch (error) {
      if (error instanceof AuthError) return hooks.onAuthError(error);
      ctx.say(error.message);
    }
  });
  const panel = h("details", { class: "conversations", open: window.matchMedia("(min-width: 60rem)").matches },
    h("summary", {}, "Conversations"), create, search, status, list);
  return { panel, refresh, editing: () => Boolean(list.querySelector("form")) };
}
