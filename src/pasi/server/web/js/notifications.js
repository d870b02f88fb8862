// Reminders, check-ins and briefs delivered to the web app, shown as they arrive.
// The stream is resumed after a dropped connection from the last notification seen.

import { AuthError, followEvents } from "./api.js";
import { h, when } from "./ui.js";

const MAX_DELAY_MS = 30_000;

function card(region, event) {
  const item = h("li", { class: "notification" },
    h("p", { class: "notification-title" }, h("strong", {}, event.title)),
    event.body ? h("p", {}, event.body) : null,
    h("p", { class: "meta" }, `${event.kind} · ${when(event.at)}${event.late ? " · late" : ""}`),
    h("button", { type: "button", onclick: () => { item.remove(); region.hidden = !region.querySelector("li"); } }, "Dismiss",
      h("span", { class: "visually-hidden" }, ` ${event.title}`)));
  return item;
}

/** Follow /api/notifications/stream into ``region``; returns a function that stops it. */
export function followNotifications(region, onAuthError) {
  const list = region.querySelector("ul");
  let stopped = false;
  let after = null;
  let controller = null;
  const show = (event, id) => {
    if (event.type !== "notification") return;
    after = Number(id ?? event.id);
    list.append(card(region, event));
    region.hidden = false;
  };
  (async () => {
    let delay = 1000;
    while (!stopped) {
      controller = new AbortController();
      try {
        await followEvents(`/api/notifications/stream${after === null ? "" : `?after=${after}`}`, (event, id) => {
          delay = 1000;
          show(event, id);
        }, controller.signal);
      } catch (error) {
        if (error instanceof AuthError) return onAuthError(error);
        if (stopped || error.name === "AbortError" || error.status === 404) return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  })();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
