// The web app's entry: the token (from #token=..., kept in localStorage), the sign-in screen,
// and the views behind hash routes (#/today, #/chat/ID, #/memories, #/people/ID, #/goals/ID,
// #/sources, #/settings), and the service worker that keeps the app shell for quick starts.

import { AuthError, adoptTokenFromUrl, api, getToken, setToken } from "./api.js";
import { chatView, resetChat } from "./chat.js";
import { installDetailDialog } from "./detail.js";
import { goalsView } from "./goals.js";
import { memoriesView } from "./memories.js";
import { followNotifications } from "./notifications.js";
import { peopleView } from "./people.js";
import { settingsView } from "./settings.js";
import { sourcesView } from "./sources.js";
import { todayView } from "./today.js";
import { field, h } from "./ui.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const notifications = document.getElementById("notifications");
let stopNotifications = null;

function signIn(reason) {
  nav.hidden = true;
  stopNotifications?.();
  stopNotifications = null;
  resetChat();
  const token = h("input", { type: "password", name: "token", autocomplete: "off", required: true, spellcheck: "false" });
  const error = h("p", { class: "error-text", role: "alert" });
  const form = h("form", { class: "signin", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, reason === "rejected" ? "Your token was not accepted" : "Sign in to pasi"),
    h("p", {}, reason === "rejected"
      ? "The server no longer accepts the token this browser had (it was revoked, or this is another server)."
      : "This page needs an access token for your pasi server."),
    h("p", {}, "Open the link `pasi serve` prints (it ends in #token=…), or create a token with ",
      h("code", {}, "pasi tokens create"), " and paste it here."),
    field("Access token", token),
    h("button", { type: "submit", class: "primary" }, "Sign in"),
    error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setToken(token.value);
    try {
      await api("/api/profile");
      location.hash = "#/today";
      route();
    } catch (failure) {
      error.textContent = failure instanceof AuthError ? "That token was not accepted." : failure.message;
    }
  });
  main.replaceChildren(form);
  token.focus();
}

function onAuthError(error) {
  if (error instanceof AuthError) signIn(getToken() ? "rejected" : "missing");
  else console.error(error);
}

const VIEWS = {
  today: () => todayView(main, onAuthError),
  chat: (id) => chatView(main, onAuthError, id),
  memories: (id) => memoriesView(main, onAuthError, id),
  people: (id) => peopleView(main, onAuthError, id),
  goals: (id) => goalsView(main, onAuthError, id),
  sources: () => sourcesView(main, onAuthError),
  settings: () => settingsView(main, onAuthError, () => signIn("missing")),
};

function route() {
  if (!getToken()) return signIn("missing");
  const [, name = "today", id] = location.hash.match(/^#\/(\w+)(?:\/(\d+))?/) || [];
  const view = VIEWS[name] ? name : "today";
  nav.hidden = false;
  stopNotifications ||= followNotifications(notifications, onAuthError);
  for (const link of nav.querySelectorAll("a")) {
    if (link.dataset.view === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `pasi · ${view[0].toUpperCase()}${view.slice(1)}`;
  Promise.resolve(VIEWS[view](id ? Number(id) : undefined)).catch(onAuthError);
}

adoptTokenFromUrl();
installDetailDialog();
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("sw.js").catch(() => {}); // the app works without it
}
window.addEventListener("hashchange", () => {
  if (/token=/.test(location.hash)) adoptTokenFromUrl();
  route();
});
route();
