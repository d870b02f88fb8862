// Settings → Notifications: where reminders, check-ins and briefs go (the life layer's
// channels), each on or off, configured, and tried with a test that respects quiet hours.

import { AuthError, api } from "./api.js";
import { clear, field, h, statusLine, uid, when } from "./ui.js";

const NAMES = { terminal: "Terminal", web: "This app", desktop: "Desktop", webhook: "Webhook", matrix: "Matrix" };

function quietLine(found) {
  if (!found.quiet_start || !found.quiet_end) return h("p", { class: "hint" }, "No quiet hours: notifications go out at any time.");
  return h("p", { class: "hint" },
    `Quiet hours ${found.quiet_start}–${found.quiet_end} (${found.time_zone}): nothing is sent then; it waits until they end. ` +
    (found.quiet_now ? `It is quiet hours now, until ${when(found.quiet_until)}.` : "Change them in the charter above."));
}

async function sendTest(channel, result, ignoreQuiet, onAuthError) {
  clear(result, "Sending…");
  try {
    const done = await api("/api/settings/channels/test", { method: "POST", body: { channel, ignore_quiet_hours: ignoreQuiet } });
    if (done.held_until) {
      const anyway = h("button", { type: "button", onclick: () => sendTest(channel, result, true, onAuthError) },
        "Send anyway", h("span", { class: "visually-hidden" }, ` to ${NAMES[channel]}`));
      return clear(result, `Held: quiet hours until ${when(done.held_until)}, so nothing was sent. `, anyway);
    }
    clear(result, done.sent
      ? h("span", { class: "ok-text" }, `Sent a test notification to ${NAMES[channel]}.`)
      : h("span", { class: "error-text" }, `Not sent: ${done.error}`));
  } catch (error) {
    if (error instanceof AuthError) return onAuthError(error);
    clear(result, h("span", { class: "error-text" }, error.message));
  }
}

function channelItem(channel, onAuthError) {
  const result = statusLine();
  const test = channel.testable
    ? h("button", { type: "button", onclick: () => sendTest(channel.name, result, false, onAuthError) },
        "Send a test notification", h("span", { class: "visually-hidden" }, ` to ${NAMES[channel.name]}`))
    : null;
  return h("li", { class: "tier channel" },
    h("h3", {}, NAMES[channel.name], h("span", { class: `meta channel-state ${channel.on ? "ok-text" : ""}` }, channel.on ? " · on" : " · off")),
    h("p", {}, channel.about),
    channel.problem ? h("p", { class: "meta" }, channel.problem) : null,
    test, result);
}

function checkbox(name, label, checked) {
  const box = h("input", { type: "checkbox", name, id: uid(name) });
  box.checked = checked;
  return [box, h("div", { class: "check" }, box, h("label", { for: box.id }, label))];
}

function channelForm(found, reload, onAuthError) {
  const [desktop, desktopRow] = checkbox("notify_desktop", "Desktop notifications (when notify-send is installed)", found.notify_desktop);
  const [matrix, matrixRow] = checkbox("notify_matrix", "Matrix messages (once pasi has a Matrix account)", found.notify_matrix);
  const hook = h("input", { type: "url", name: "notify_webhook", autocomplete: "off", placeholder: "https://example.org/hook" });
  hook.value = found.notify_webhook;
  const allow = h("textarea", { name: "matrix_allow", rows: 2 });
  allow.value = found.matrix_allow.join("\n");
  const room = h("input", { type: "text", name: "matrix_room", autocomplete: "off", placeholder: "!room:example.org" });
  room.value = found.matrix_room || "";
  const status = statusLine();
  const form = h("form", { class: "channel-form", "aria-label": "Notification channels" },
    desktopRow,
    field("Webhook URL", hook, "Each notification is POSTed there as JSON; empty for no webhook."),
    matrixRow,
    field("Matrix IDs pasi answers", allow, "One per line, e.g. @you:example.org; the first gets reminders in a new room when there is none."),
    found.matrix_account
      ? field("Matrix room for reminders", room, `From ${found.matrix_account}. Where you last talked with pasi; empty: a new direct room next time.`)
      : null,
    h("button", { type: "submit" }, "Save notifications"), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "Saving…";
    const body = {
      notify_desktop: desktop.checked, notify_matrix: matrix.checked, notify_webhook: hook.value.trim(),
      matrix_allow: allow.value.split("\n").map((line) => line.trim()).filter(Boolean),
    };
    if (found.matrix_account) body.matrix_room = room.value.trim();
    try {
      const saved = await api("/api/settings/channels", { method: "PUT", body });
      const shadow = saved.overridden_by.length ? ` ${saved.overridden_by.join(", ")} is set and wins when pasi restarts.` : "";
      reload(`Notifications saved${saved.config_file ? ` in ${saved.config_file}` : ""}; in use now.${shadow}`);
    } catch (error) {
      if (error instanceof AuthError) return onAuthError(error);
      status.textContent = error.message;
    }
  });
  return form;
}

/** The Notifications section, loading itself; ``notice`` is shown after a save. */
export function channelsSection(onAuthError, notice) {
  const body = h("div", {}, h("p", { class: "muted" }, "Loading…"));
  const section = h("section", { "aria-labelledby": "channels-title" },
    h("h2", { id: "channels-title" }, "Notifications"), body);
  const load = (message) => api("/api/settings/channels")
    .then((found) => clear(body,
      message ? h("p", { class: "status", role: "status" }, message) : null,
      quietLine(found),
      h("ul", { class: "tiers channels" }, found.channels.map((c) => channelItem(c, onAuthError))),
      found.editable
        ? channelForm(found, load, onAuthError)
        : h("p", { class: "hint" }, "These are the server's: only its own user can change them.")))
    .catch((error) => {
      if (error instanceof AuthError) return onAuthError(error);
      clear(body, h("p", { class: "error-text" }, error.message));
    });
  load(notice);
  return section;
}
