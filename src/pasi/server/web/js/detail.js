// The source dialog: what a citation names (a memory with its history and evidence, a turn in
// its conversation, a record from a file), opened from chat answers and the memory list.

import { api } from "./api.js";
import { isRecording, passageStart, playButton } from "./media.js";
import { clear, h, showError, when } from "./ui.js";

const KINDS = { m: "memory", t: "episode", i: "item" };

export function parseTag(tag) {
  const match = String(tag).match(/^\[?([mti])(\d+)\]?$/);
  return match ? { kind: KINDS[match[1]], id: Number(match[2]) } : null;
}

function sourceName(source) {
  if (!source) return "unknown source";
  if (source.kind === "conversation") return source.title || "a conversation with pasi";
  return source.title ? `${source.title} (${source.uri})` : source.uri;
}

export function memoryStatus(memory) {
  if (memory.current) return "current";
  return memory.superseded_by ? `replaced by #${memory.superseded_by}` : "ended";
}

/** "Play from 12:31" for a passage transcribed from a recording, else nothing. */
function recordingControl(turn) {
  const start = passageStart(turn.external_id);
  if (start === null || !isRecording(turn.source)) return null;
  return playButton({ episode: turn.id, start }, turn.source.title || "the recording");
}

function turnView(turn, highlight, source) {
  const who = turn.speaker || turn.role;
  return h(
    "li",
    { class: turn.id === highlight ? "turn highlight" : "turn" },
    h("span", { class: "meta" }, `${who} · ${when(turn.occurred_at || turn.recorded_at)}`),
    h("p", { class: "turn-text" }, turn.text),
    recordingControl({ ...turn, source: turn.source || source }),
  );
}

export function memoryDetail(detail) {
  const m = detail.memory;
  const facts = h(
    "dl",
    { class: "facts" },
    h("dt", {}, "Kind"), h("dd", {}, m.kind),
    h("dt", {}, "About"), h("dd", {}, m.subject),
    h("dt", {}, "Status"), h("dd", {}, memoryStatus(m)),
    h("dt", {}, "Recorded"), h("dd", {}, when(m.recorded_at)),
    m.valid_from ? [h("dt", {}, "True from"), h("dd", {}, when(m.valid_from))] : null,
    m.valid_to ? [h("dt", {}, "True until"), h("dd", {}, when(m.valid_to))] : null,
    h("dt", {}, "Confidence"), h("dd", {}, `${Math.round(m.confidence * 100)}%`),
    m.note ? [h("dt", {}, "Note"), h("dd", {}, m.note)] : null,
  );
  const history =
    detail.history.length > 1
      ? h(
          "section",
          { class: "history", "aria-label": "History" },
          h("h3", {}, "History"),
          h(
            "ol",
            {},
            detail.history.map((v) =>
              h(
                "li",
                { class: v.id === m.id ? "version this" : "version" },
                h("span", { class: "meta" }, `#${v.id} · ${when(v.recorded_at)} · ${memoryStatus(v)}`),
                h("p", {}, v.text),
              ),
            ),
          ),
        )
      : null;
  const evidence = h(
    "section",
    { class: "evidence", "aria-label": "Where it came from" },
    h("h3", {}, "Where it came from"),
    detail.evidence.length
      ? h(
          "ul",
          {},
          detail.evidence.map((turn) =>
            h(
              "li",
              { class: "turn" },
              h("span", { class: "meta" }, `${sourceName(turn.source)} · ${when(turn.occurred_at)}`),
              h("p", { class: "turn-text" }, turn.text),
              recordingControl(turn),
            ),
          ),
        )
      : h("p", { class: "muted" }, "Typed in directly, or its turns were erased."),
  );
  return [h("p", { class: "memory-text" }, m.text), facts, history, evidence];
}

async function load(kind, id) {
  if (kind === "memory") return memoryDetail(await api(`/api/memories/${id}`));
  if (kind === "episode") {
    const turns = await api(`/api/episodes/${id}`);
    const source = turns.find((t) => t.id === id)?.source;
    return [
      h("p", { class: "meta" }, `From ${sourceName(source)}`),
      h("ol", { class: "turns" }, turns.map((t) => turnView(t, id, source))),
    ];
  }
  const item = await api(`/api/items/${id}`);
  return [h("p", { class: "memory-text" }, item.description), h("p", { class: "meta" }, `From ${item.source || "unknown"}`)];
}

const TITLES = { memory: "Memory", episode: "Turn", item: "Record" };

/** Open the dialog for a memory, turn or item; focus returns where it was when it closes. */
export async function openDetail(kind, id) {
  const dialog = document.getElementById("detail");
  const body = document.getElementById("detail-body");
  document.getElementById("detail-title").textContent = `${TITLES[kind] || "Source"} #${id}`;
  clear(body, h("p", { class: "muted" }, "Loading…"));
  if (!dialog.open) dialog.showModal();
  try {
    clear(body, await load(kind, id));
  } catch (error) {
    if (error.status === 404) clear(body, h("p", {}, `This ${kind} no longer exists: it was forgotten or its file removed.`));
    else showError(body, error);
  }
}

export function installDetailDialog() {
  const dialog = document.getElementById("detail");
  document.getElementById("detail-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.cite");
    if (!button) return;
    const parsed = parseTag(button.dataset.tag);
    if (parsed) openDetail(parsed.kind, parsed.id);
  });
}
