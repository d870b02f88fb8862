// "Screen captures" on the Sources page: capture's state and what it kept; pause, resume, stop,
// exclusions, retention and erasing a time range (with a confirm step). Starting capture is
// deliberately not here: it stays the local command `pasi capture start`.

import { AuthError, api } from "./api.js";
import { clear, field, h, showError, statusLine, when } from "./ui.js";

/** A datetime-local value ("2026-12-07T09:00", the browser's local time) as ISO with zone. */
const isoOf = (value) => (value ? new Date(value).toISOString() : null);

function stateLine(s) {
  if (!s.on) return "Off. Turn it on on this computer with pasi capture start.";
  const paused = s.paused ? `, paused until ${when(s.paused_until)}` : "";
  return `On${paused}${s.running ? ", capturing now" : ", not running"} · one frame every ${s.every} s at most`;
}

function captureItem(c) {
  return h("li", { class: "capture" },
    h("p", { class: "meta" }, c.heading),
    h("p", { class: "capture-text" }, c.text.length > 300 ? `${c.text.slice(0, 300)}…` : c.text));
}

export function captureSection(onAuthError) {
  const status = statusLine();
  const body = h("div", { class: "capture-body" });
  const section = h("section", { class: "captures", "aria-labelledby": "captures-title" },
    h("h2", { id: "captures-title" }, "Screen captures"), body, status);

  async function act(path, options, done) {
    try {
      const result = await api(path, options);
      status.textContent = done(result);
      await refresh();
    } catch (error) {
      if (error instanceof AuthError) return onAuthError(error);
      status.textContent = error.message;
    }
  }

  function controls(s) {
    const minutes = h("input", { type: "number", min: 1, max: 10080, value: 30, class: "short" });
    const pause = h("form", { class: "inline", "aria-label": "Pause capture" },
      field("Pause for minutes", minutes), h("button", { type: "submit" }, "Pause"));
    pause.addEventListener("submit", (event) => {
      event.preventDefault();
      act("/api/capture/pause", { method: "POST", body: { minutes: Number(minutes.value) } }, () => "Capture paused.");
    });
    const resume = h("button", { type: "button", onclick: () => act("/api/capture/resume", { method: "POST" }, () => "Capture resumed.") }, "Resume");
    const stop = h("button", { type: "button", onclick: () => act("/api/capture/stop", { method: "POST" }, () => "Capture is off.") }, "Turn off");
    const words = h("textarea", { rows: 3 }, s.exclude.join(", "));
    const days = h("input", { type: "number", min: 1, max: 36500, value: s.retention_days, class: "short" });
    const rulesForm = h("form", { class: "capture-rules", "aria-label": "Capture rules" },
      field("Never capture windows containing", words, "App or window-title words, comma separated."),
      field("Keep captures for days", days), h("button", { type: "submit" }, "Save rules"));
    rulesForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const exclude = words.value.split(/[,\n]/).map((w) => w.trim()).filter(Boolean);
      await act("/api/capture/exclusions", { method: "PUT", body: { exclude } }, () => "");
      await act("/api/capture/retention", { method: "PUT", body: { days: Number(days.value) } }, () => "Rules saved.");
    });
    return [pause, h("div", { class: "actions" }, s.paused ? resume : null, s.on ? stop : null), rulesForm];
  }

  function eraseForm() {
    const since = h("input", { type: "datetime-local" });
    const until = h("input", { type: "datetime-local" });
    const all = h("input", { type: "checkbox" });
    const confirm = h("div", { class: "confirm", hidden: true });
    const form = h("form", { class: "capture-erase", "aria-label": "Erase captures" },
      field("From", since), field("Up to", until),
      h("label", {}, all, " Every capture"), h("button", { type: "submit", class: "danger" }, "Erase…"), confirm);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const range = all.checked ? { all: true } : { since: isoOf(since.value), until: isoOf(until.value) };
      if (!range.all && !range.since && !range.until) return void (status.textContent = "Choose a time range, or every capture.");
      const what = range.all ? "every capture" : `captures ${range.since ? `from ${when(range.since)} ` : ""}${range.until ? `up to ${when(range.until)}` : ""}`;
      const yes = h("button", { type: "button", class: "danger" }, "Yes, erase");
      const no = h("button", { type: "button" }, "Cancel");
      yes.addEventListener("click", () => act("/api/capture/erase", { method: "POST", body: range },
        (r) => `Erased ${r.erased} capture(s) and what pasi learnt only from them.`));
      no.addEventListener("click", () => (confirm.hidden = true));
      clear(confirm, h("p", {}, `Erase ${what.trim()}, and memories resting only on them? This cannot be undone.`), yes, no);
      confirm.hidden = false;
    });
    return form;
  }

  async function refresh() {
    const s = await api("/api/capture");
    const range = s.stored ? ` from ${when(s.first_at)} to ${when(s.last_at)}` : "";
    clear(body,
      h("p", { class: "capture-state" }, stateLine(s)),
      h("p", { class: "counts" }, `${s.stored} capture(s) kept${range} · kept for ${s.retention_days} days`),
      s.latest.length ? h("ul", { class: "captures-list", "aria-label": "Latest captures" }, s.latest.map(captureItem)) : null,
      controls(s), s.stored ? eraseForm() : null);
  }

  refresh().catch((error) => (error instanceof AuthError ? onAuthError(error) : showError(body, error)));
  return section;
}
