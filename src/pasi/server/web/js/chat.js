// Chat: the answer streams in as the model writes it, rendered as Markdown, with its sources.

import { AuthError, api, chatStream } from "./api.js";
import { imagePicker, thumbnails } from "./attach.js";
import { conversationList } from "./conversations.js";
import { openDetail } from "./detail.js";
import { renderMarkdown } from "./markdown.js";
import { isRecording, passageStart, playButton } from "./media.js";
import { clear, field, h, uid } from "./ui.js";
import { talkButton } from "./voice.js";

const KIND_NAMES = { memory: "memory", episode: "turn", item: "record" };
const SOURCE_CHARS = 200; // the whole text is in the source's dialog
const shorten = (text) => (text.length > SOURCE_CHARS ? `${text.slice(0, SOURCE_CHARS).trimEnd()}…` : text);
let view = null; // the chat keeps its DOM (and a running answer) while other views are shown
const CONVERSATION_KEY = "pasi.conversation";

function bubble(role, content) {
  const body = h("div", { class: "bubble-body" });
  if (role === "user") body.textContent = content;
  else body.innerHTML = renderMarkdown(content);
  return h("li", { class: `message ${role}` }, h("span", { class: "who" }, role === "user" ? "You" : "pasi"), body);
}

/** A cited passage of a recording ("memo.m4a at 12:31" first in its text) plays from there. */
function recordingCitation(c) {
  const at = c.kind === "episode" && c.text && isRecording(c.source || "") && c.text.match(/^\S.* at ((?:\d+:)?\d+:\d\d)\n/);
  return at ? playButton({ episode: c.id, start: passageStart(at[1]) }, c.source.split("/").pop()) : null;
}

function sourcesList(citations) {
  if (!citations.length) return null;
  const headingId = uid("sources");
  return h(
    "section",
    { class: "answer-sources", "aria-labelledby": headingId },
    h("h3", { id: headingId }, "Sources"),
    h(
      "ul",
      {},
      citations.map((c) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: "source-link",
              disabled: c.text === null || c.text === undefined,
              onclick: () => openDetail(c.kind, c.id),
            },
            h("span", { class: "tag" }, `[${c.tag}]`),
            " ",
            h("span", { class: "source-text" }, c.text == null ? `this ${KIND_NAMES[c.kind] || c.kind} no longer exists` : shorten(c.text)),
          ),
          c.source ? h("span", { class: "meta" }, ` · ${c.source}`) : null,
          recordingCitation(c),
        ),
      ),
    ),
  );
}

function confirmCard(event) {
  const status = h("p", { class: "status", role: "status" });
  const decide = async (choice, buttons) => {
    for (const b of buttons) b.disabled = true;
    status.textContent = choice === "approve" ? "Approving…" : "Denying…";
    try {
      await api(`/api/actions/${event.action_id}/${choice}`, { method: "POST" });
      card.decided = true;
      status.textContent = choice === "approve" ? "Approved: pasi will do it." : "Denied: nothing was done.";
    } catch (error) {
      status.textContent = `Could not ${choice}: ${error.message}`;
      for (const b of buttons) b.disabled = false;
    }
  };
  const approve = h("button", { type: "button", class: "primary" }, "Approve");
  const deny = h("button", { type: "button" }, "Deny");
  approve.addEventListener("click", () => decide("approve", [approve, deny]));
  deny.addEventListener("click", () => decide("deny", [approve, deny]));
  const card = h(
    "li",
    { class: "message confirm" },
    h("p", {}, h("strong", {}, `pasi asks to use ${event.tool}`)),
    event.reason ? h("p", {}, event.reason) : null,
    h("pre", { class: "arguments" }, JSON.stringify(event.arguments ?? {}, null, 2)),
    h("div", { class: "actions" }, approve, deny),
    status,
  );
  card.actionId = event.action_id;
  card.approved = () => {
    card.decided = approve.disabled = deny.disabled = true;
    status.textContent = "Approved: pasi will do it.";
  };
  return card;
}

/** One answer for the calls a turn held together: those still undecided, approved at once. */
function approveAllCard(cards) {
  const status = h("p", { class: "status", role: "status" });
  const button = h("button", { type: "button", class: "primary" }, `Approve all ${cards.length}`);
  button.addEventListener("click", async () => {
    const open = cards.filter((card) => !card.decided);
    button.disabled = true;
    status.textContent = "Approving…";
    try {
      if (open.length) await api("/api/actions/approve", { method: "POST", body: { ids: open.map((c) => c.actionId) } });
      for (const card of open) card.approved();
      status.textContent = "Approved: pasi will do them.";
    } catch (error) {
      status.textContent = `Could not approve: ${error.message}`;
      button.disabled = false;
    }
  });
  return h("li", { class: "message confirm" }, h("div", { class: "actions" }, button), status);
}

async function send(state, text, images = []) {
  state.busy = true;
  state.sendButton.disabled = true;
  const asked = bubble("user", text);
  if (images.length) asked.append(thumbnails(images));
  state.log.append(asked);
  const answer = bubble("assistant", "");
  answer.setAttribute("aria-busy", "true");
  state.log.setAttribute("aria-busy", "true"); // announce the answer once, not every word
  const answerBody = answer.querySelector(".bubble-body");
  const activity = h("p", { class: "activity", role: "status" });
  answer.append(activity);
  state.log.append(answer);
  answer.scrollIntoView({ block: "end" });
  let streamed = "";
  const cards = []; // this turn's held calls
  let approveAll = null;
  try {
    const sent = images.map((image) => image.url);
    await chatStream(text, (event) => {
      if (event.type === "delta") {
        streamed += event.text;
        answerBody.innerHTML = renderMarkdown(streamed);
      } else if (event.type === "tool") {
        activity.textContent = event.status === "started" ? `Using ${event.name}…` : "";
      } else if (event.type === "answer") {
        answerBody.innerHTML = renderMarkdown(event.text);
        const sources = sourcesList(event.citations || []);
        if (sources) answer.append(sources);
      } else if (event.type === "confirm") {
        cards.push(confirmCard(event));
        state.log.append(cards.at(-1));
        if (cards.length > 1) { // the calls a turn held are shown together: one answer for all
          approveAll?.remove();
          approveAll = approveAllCard([...cards]);
          state.log.append(approveAll);
        }
      } else if (event.type === "notice") {
        state.log.append(h("li", { class: "message notice" }, h("p", { role: "note" }, event.text)));
      } else if (event.type === "titling") {
        state.titling = true; // the model may title this conversation: look again soon
      } else if (event.type === "error") {
        answer.append(h("p", { class: "error-text", role: "alert" }, event.message));
      }
      answer.scrollIntoView({ block: "end" });
    }, undefined, sent, state.conversation);
  } catch (error) {
    if (error instanceof AuthError) throw error;
    answer.append(h("p", { class: "error-text", role: "alert" }, error.message));
  } finally {
    activity.textContent = "";
    answer.setAttribute("aria-busy", "false");
    state.log.setAttribute("aria-busy", "false");
    state.busy = false;
    state.sendButton.disabled = false;
    state.afterSend?.();
  }
}

async function showConversation(state, id) {
  const recent = await api(`/api/conversations/${id}`, { query: { limit: 50 } });
  if (state.conversation !== id || state.busy || state.log.children.length) return; // moved on
  clear(state.log, recent.turns.map((turn) => bubble(turn.role === "user" ? "user" : "assistant", turn.text)));
  state.log.lastElementChild?.scrollIntoView({ block: "end" });
}

function choose(state, id) {
  state.conversation = id;
  if (id === null) localStorage.removeItem(CONVERSATION_KEY);
  else localStorage.setItem(CONVERSATION_KEY, String(id));
  clear(state.log);
}

/** Open conversation ``id`` (or the one last open, else the most recent): its turns are shown
 * and new messages join it. */
async function open(state, id) {
  const turn = (state.opening = (state.opening || 0) + 1); // a later open wins over this one
  if (id !== undefined && id !== state.conversation) choose(state, id); // at once: typing may start
  const items = await state.list.refresh();
  if (turn !== state.opening) return;
  if (id === undefined) {
    const known = (wanted) => items.find((c) => c.id === wanted)?.id;
    const chosen = known(state.conversation) ?? known(Number(localStorage.getItem(CONVERSATION_KEY))) ?? items[0]?.id ?? null;
    if (chosen !== state.conversation) {
      choose(state, chosen);
      await state.list.refresh(); // marks the open one
    }
  }
  if (state.conversation !== null && !state.log.children.length) await showConversation(state, state.conversation);
}

const TITLE_CHECKS_MS = [2_000, 5_000, 15_000, 40_000];

/** After a web conversation's first exchange the model titles it in the background
 * (pasi.server.titles): look again a few times, until the title is there. */
function awaitTitle(state, items, onAuthError, checks = TITLE_CHECKS_MS) {
  const open = items?.find((c) => c.id === state.conversation);
  if (!open || open.title || open.origin !== "web" || open.turns > 3 || !checks.length) return;
  setTimeout(() => {
    if (state.conversation !== open.id) return;
    if (state.list.editing()) return awaitTitle(state, items, onAuthError, checks.slice(1)); // a form is open: not now
    state.list.refresh().then((next) => awaitTitle(state, next, onAuthError, checks.slice(1))).catch(onAuthError);
  }, checks[0]);
}

function build(onAuthError) {
  const log = h("ol", { class: "messages", id: "messages", "aria-live": "polite", "aria-label": "Conversation" });
  const input = h("textarea", { name: "message", rows: 2, required: true, placeholder: "Ask or tell pasi something" });
  const sendButton = h("button", { type: "submit", class: "primary" }, "Send");
  const state = { log, sendButton, busy: false, conversation: null };
  state.list = conversationList({
    current: () => state.conversation,
    onAuthError,
    deleted: (id) => {
      if (id === state.conversation) {
        state.conversation = null;
        localStorage.removeItem(CONVERSATION_KEY);
        clear(log);
      }
      state.list.refresh().catch(onAuthError);
    },
  });
  state.afterSend = () => {
    if (state.conversation !== null) {
      const titling = state.titling;
      state.titling = false;
      return void state.list.refresh().then((items) => titling && awaitTitle(state, items, onAuthError)).catch(onAuthError);
    }
    open(state, null).catch(onAuthError); // the first message made the conversation: show it
  };
  const spoken = ({ transcript, reply, audioUrl }) => {
    log.append(bubble("user", transcript));
    const answer = bubble("assistant", reply);
    answer.append(h("audio", { controls: true, src: audioUrl, "aria-label": "pasi's reply, spoken" }));
    log.append(answer);
    answer.querySelector("audio").play().catch(() => {}); // autoplay may be refused: the controls stay
    answer.scrollIntoView({ block: "end" });
  };
  const talkFailed = (error) => {
    if (error instanceof AuthError) return onAuthError(error);
    log.append(h("li", { class: "message notice" }, h("p", { role: "alert" }, error.message)));
  };
  const picker = imagePicker(
    (count) => { input.required = count === 0; }, // an image alone is a message too
    (message) => log.append(h("li", { class: "message notice" }, h("p", { role: "alert" }, message))),
  );
  const form = h(
    "form",
    { class: "composer", "aria-label": "Message pasi" },
    picker.shown,
    field("Message", input),
    sendButton,
    ...picker.controls,
    talkButton(spoken, talkFailed),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if ((!text && !picker.count()) || state.busy) return;
    input.value = "";
    send(state, text, picker.take()).catch(onAuthError);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  return { root: h("section", { class: "view chat", "aria-labelledby": "chat-title" },
    h("h1", { id: "chat-title", class: "visually-hidden" }, "Chat"), state.list.panel,
    h("div", { class: "chat-main" }, log, form)), input, state };
}

export function chatView(main, onAuthError, id) {
  view ||= build(onAuthError);
  main.replaceChildren(view.root);
  view.input.focus();
  if (!view.state.busy) open(view.state, id).catch(onAuthError);
}

export function resetChat() {
  view = null;
}
