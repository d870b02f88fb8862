// Memories: a timeline of what pasi knows, search, edit (a correction), forget, and details.

import { AuthError, api } from "./api.js";
import { memoryDetail, memoryStatus, openDetail } from "./detail.js";
import { glanceSection } from "./glance.js";
import { clear, day, field, h, showError, statusLine, uid, when } from "./ui.js";

const PAGE = 50;
const KINDS = ["fact", "preference", "event", "plan", "relationship"];

function editForm(memory, done) {
  const text = h("textarea", { name: "text", rows: 3, required: true });
  text.value = memory.text;
  const error = h("p", { class: "error-text", role: "alert" });
  const form = h(
    "form",
    { class: "edit", "aria-label": `Correct memory ${memory.id}` },
    field("Corrected statement", text, "The old version is kept in the history."),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, "Save"),
      h("button", { type: "button", onclick: () => done(false) }, "Cancel")),
    error,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api(`/api/memories/${memory.id}`, { method: "PATCH", body: { text: text.value } });
      done(true);
    } catch (failure) {
      if (failure instanceof AuthError) throw failure;
      error.textContent = failure.message;
    }
  });
  setTimeout(() => text.focus());
  return form;
}

function memoryItem(memory, ctx) {
  const item = h("li", { class: memory.current ? "memory" : "memory old", dataset: { id: memory.id } });
  const render = () => {
    clear(
      item,
      h("p", { class: "memory-text" }, memory.text),
      h("p", { class: "meta" },
        h("span", { class: `kind kind-${memory.kind}` }, memory.kind),
        ` · ${when(memory.recorded_at)}`,
        memory.current ? "" : ` · ${memoryStatus(memory)}`),
      h("div", { class: "actions" },
        h("button", { type: "button", onclick: () => openDetail("memory", memory.id) }, "Details",
          h("span", { class: "visually-hidden" }, ` of memory ${memory.id}`)),
        memory.current
          ? h("button", { type: "button", onclick: () => clear(item, editForm(memory, finishEdit)) }, "Edit",
              h("span", { class: "visually-hidden" }, ` memory ${memory.id}`))
          : null,
        h("button", { type: "button", class: "danger", onclick: forget }, "Delete",
          h("span", { class: "visually-hidden" }, ` memory ${memory.id}`))),
    );
  };
  const finishEdit = (saved) => (saved ? ctx.reload(`Memory corrected; the old version is in its history.`) : render());
  const forget = async () => {
    if (!window.confirm(`Erase this memory and its earlier versions? This cannot be undone.\n\n“${memory.text}”`)) return;
    try {
      const report = await api(`/api/memories/${memory.id}`, { method: "DELETE" });
      ctx.reload(`Forgot ${report.memories} version(s).`);
    } catch (error) {
      if (error instanceof AuthError) throw error;
      ctx.say(error.message);
    }
  };
  render();
  return item;
}

function timeline(memories, ctx) {
  const groups = new Map();
  for (const memory of memories) {
    const key = day(memory.recorded_at);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(memory);
  }
  return [...groups].map(([label, items]) => {
    const id = uid("day");
    return h("section", { class: "day", "aria-labelledby": id },
      h("h2", { id }, label),
      h("ul", { class: "memory-list" }, items.map((m) => memoryItem(m, ctx))));
  });
}

function searchResults(result, ctx) {
  if (!result.hits.length) return h("p", { class: "muted" }, `Nothing found for “${result.query}”.`);
  return h("ul", { class: "memory-list results" }, result.hits.map((hit) =>
    hit.kind === "memory"
      ? h("li", { class: "memory" },
          h("p", { class: "memory-text" }, hit.text),
          h("p", { class: "meta" }, `memory #${hit.id}${hit.current ? "" : " · replaced"}`),
          h("div", { class: "actions" }, h("button", { type: "button", onclick: () => openDetail("memory", hit.id) }, "Details")))
      : h("li", { class: "memory turn-hit" },
          h("p", { class: "memory-text" }, hit.text),
          h("p", { class: "meta" }, `${hit.speaker ? hit.speaker + " · " : ""}${hit.source || ""} · ${when(hit.at)}`),
          h("div", { class: "actions" }, h("button", { type: "button", onclick: () => openDetail("episode", hit.id) }, "Show in context")))));
}

function addForm(ctx) {
  const text = h("input", { type: "text", name: "text", required: true, autocomplete: "off" });
  const kind = h("select", { name: "kind" }, KINDS.map((k) => h("option", { value: k }, k)));
  const form = h("form", { class: "add", "aria-label": "Add a memory" },
    field("Something pasi should remember", text),
    field("Kind", kind),
    h("button", { type: "submit" }, "Remember"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("/api/memories", { method: "POST", body: { text: text.value, kind: kind.value } });
      text.value = "";
      ctx.reload("Remembered.");
    } catch (error) {
      if (error instanceof AuthError) throw error;
      ctx.say(error.message);
    }
  });
  return h("details", { class: "add-memory" }, h("summary", {}, "Add a memory"), form);
}

export async function memoriesView(main, onAuthError, id) {
  const status = statusLine();
  const list = h("div", { class: "timeline" });
  const more = h("button", { type: "button", hidden: true }, "Load more");
  const query = h("input", { type: "search", name: "q", autocomplete: "off" });
  const showOld = h("input", { type: "checkbox", name: "include_superseded" });
  let offset = 0;
  let loaded = [];
  const ctx = {
    say: (text) => (status.textContent = text),
    reload: (message) => {
      ctx.say(message || "");
      load(true).catch(onAuthError);
    },
  };
  async function load(reset) {
    if (reset) {
      offset = 0;
      loaded = [];
    }
    const page = await api("/api/memories", { query: { limit: PAGE, offset, include_superseded: showOld.checked } });
    loaded = loaded.concat(page.items);
    offset += page.items.length;
    more.hidden = offset >= page.total;
    clear(list, page.total
      ? [h("p", { class: "muted" }, `${page.total} ${page.total === 1 ? "memory" : "memories"}${showOld.checked ? ", earlier versions included" : ""}`), timeline(loaded, ctx)]
      : h("p", { class: "muted" }, "No memories yet. Chat with pasi, upload files, or add one above."));
  }
  const search = h("form", { class: "search", role: "search" },
    field("Search memories and conversations", query),
    h("button", { type: "submit" }, "Search"));
  search.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!query.value.trim()) return ctx.reload();
    try {
      clear(list, searchResults(await api("/api/search", { query: { q: query.value, k: 20 } }), ctx));
      more.hidden = true;
    } catch (error) {
      if (error instanceof AuthError) return onAuthError(error);
      showError(list, error);
    }
  });
  showOld.addEventListener("change", () => ctx.reload());
  more.addEventListener("click", () => load(false).catch(onAuthError));
  main.replaceChildren(h("section", { class: "view memories", "aria-labelledby": "memories-title" },
    h("h1", { id: "memories-title" }, "Memories"),
    search,
    h("div", { class: "check" }, showOld, h("label", { for: (showOld.id = uid("old")) }, "Show replaced versions")),
    addForm(ctx),
    glanceSection(),
    status,
    list,
    more));
  try {
    await load(true);
    if (id) {
      const detail = await api(`/api/memories/${id}`);
      list.prepend(h("section", { class: "card", "aria-label": `Memory ${id}` }, memoryDetail(detail)));
    }
  } catch (error) {
    if (error instanceof AuthError) return onAuthError(error);
    showError(list, error);
  }
}
