// Settings: the model backends (with a connection test), the profile, export and sign-out.

import { AuthError, api, download, forgetToken } from "./api.js";
import { channelsSection } from "./channels.js";
import { resetChat } from "./chat.js";
import { memoryStatus, openDetail } from "./detail.js";
import { bytes, clear, field, h, showError, statusLine, uid, when } from "./ui.js";

function testResult(target, result) {
  clear(target, result.ok
    ? h("span", { class: "ok-text" }, `Connected to ${result.model} in ${Math.round(result.elapsed_ms)} ms. It replied: “${result.reply || "(nothing)"}”`)
    : h("span", { class: "error-text" }, `Failed: ${result.error}`));
}

async function runTest(target, body, button) {
  button.disabled = true;
  clear(target, "Testing…");
  try {
    testResult(target, await api("/api/settings/test-model", { method: "POST", body }));
  } catch (error) {
    if (error instanceof AuthError) throw error;
    showError(target, error);
  } finally {
    button.disabled = false;
  }
}

const TIER_SETTING = { fast: "fast_model", strong: "strong_model" };
const TIER_NAME = { fast: "learning (fast model)", strong: "answers (strong model)" };

/** Save ``spec`` as ``tier``'s model (PUT /api/settings/tiers), then show Settings again. */
async function chooseModel(tier, spec, status, reload) {
  status.textContent = "Saving…";
  try {
    const saved = await api("/api/settings/tiers", { method: "PUT", body: { [TIER_SETTING[tier]]: spec } });
    const shadow = saved.overridden_by.length ? ` ${saved.overridden_by.join(", ")} is set and wins when pasi restarts.` : "";
    reload(`Saved ${TIER_SETTING[tier]} = "${spec}" in ${saved.config_file}; in use now.${shadow}`);
  } catch (error) {
    if (error instanceof AuthError) throw error;
    status.textContent = error.message;
  }
}

function chooseForm(tier, reload, onAuthError) {
  const spec = h("input", { type: "text", name: "spec", autocomplete: "off", list: "offered-specs" });
  spec.value = tier.setting === TIER_SETTING[tier.tier] ? tier.spec : "";
  const status = statusLine();
  const form = h("form", { class: "choose-model", "aria-label": `Choose the model for ${TIER_NAME[tier.tier]}` },
    field(`Model for ${TIER_NAME[tier.tier]}`, spec, "A spec from the list below, or typed; empty: as the model setting."),
    h("button", { type: "submit" }, "Save model"), status);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    chooseModel(tier.tier, spec.value.trim(), status, reload).catch(onAuthError);
  });
  return form;
}

function tierCard(tier, onAuthError, reload) {
  const result = statusLine();
  const button = h("button", { type: "button" }, `Test connection`, h("span", { class: "visually-hidden" }, ` of the ${tier.tier} model`));
  button.addEventListener("click", () => runTest(result, { tier: tier.tier }, button).catch(onAuthError));
  const where = tier.local === null ? "no model" : tier.local ? "on this machine" : "remote: data leaves this machine";
  return h("li", { class: "tier" },
    h("h3", {}, tier.tier === "strong" ? "Answers (strong model)" : "Learning (fast model)"),
    h("dl", { class: "facts" },
      h("dt", {}, "Setting"), h("dd", {}, h("code", {}, `${tier.setting} = ${tier.spec}`)),
      h("dt", {}, "In use"), h("dd", {}, tier.resolved || "—"),
      h("dt", {}, "Where"), h("dd", {}, where)),
    tier.error ? h("p", { class: "error-text" }, tier.error) : null,
    button, result, chooseForm(tier, reload, onAuthError));
}

function otherSettings(s) {
  const rows = [
    ["Embedder", s.embedder], ["Ollama URL", s.ollama_url],
    ["OpenAI API key", s.openai_api_key_set ? "set" : "not set"],
    ["Model server key", s.model_api_key_set ? "set" : "not set"],
    ["Model timeout", `${s.model_timeout} s, ${s.model_retries} retries`],
    ["Context budget", `${s.context_tokens} tokens`], ["Results per search", s.recall_k],
    ["Largest upload", bytes(s.upload_max_bytes)],
  ];
  return h("dl", { class: "facts" }, rows.map(([name, value]) => [h("dt", {}, name), h("dd", {}, String(value))]));
}

const KEY_HOME = {
  "the encrypted vault": "Kept in your encrypted vault (this machine has no OS keyring), never in the config file; empty removes it.",
};

/** Save a model key (PUT /api/settings/keys) in the OS keyring or the encrypted vault; the page
 * never shows one. With neither, the form says so and saves nothing. */
function keyForm(store, reload, onAuthError) {
  if (!store) {
    return h("p", { class: "key-refused", role: "note" },
      "Keys cannot be saved here: this machine has no OS keyring and your vault is not encrypted, " +
      "so a key would sit in plaintext on disk. Encrypt the vault (pasi vault encrypt) and keys go " +
      "into it, or set PASI_OPENAI_API_KEY / PASI_MODEL_API_KEY in the server's environment.");
  }
  const name = h("select", { name: "name" },
    h("option", { value: "openai_api_key" }, "OpenAI API key (openai: models)"),
    h("option", { value: "model_api_key" }, "Model server key (openai-compatible: servers)"));
  const value = h("input", { type: "password", name: "value", autocomplete: "off" });
  const status = statusLine();
  const where = KEY_HOME[store] || "Kept in this machine's keyring, never in the config file; empty removes it.";
  const form = h("form", { class: "key-form", "aria-label": "Save a model key" },
    field("Key", name), field("Value", value, where),
    h("button", { type: "submit" }, "Save key"), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "Saving…";
    try {
      const saved = await api("/api/settings/keys", { method: "PUT", body: { name: name.value, value: value.value } });
      value.value = "";
      const place = saved.stored_in === "the encrypted vault" ? "the encrypted vault" : `the keyring (${saved.stored_in})`;
      reload(saved.set ? `Saved ${saved.name} in ${place}; in use now.` : `Removed ${saved.name}.`);
    } catch (error) {
      if (error instanceof AuthError) return onAuthError(error);
      status.textContent = error.message;
    }
  });
  return form;
}

function customTest(onAuthError) {
  const spec = h("input", { type: "text", name: "spec", autocomplete: "off", placeholder: "ollama:llama3.2" });
  const result = statusLine();
  const button = h("button", { type: "submit" }, "Test this model");
  const form = h("form", { class: "custom-test", "aria-label": "Test another model" },
    field("Model spec", spec, "ollama:NAME, openai:NAME or openai-compatible:URL#NAME (docs/models.md)."), button, result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    runTest(result, { spec: spec.value }, button).catch(onAuthError);
  });
  return form;
}

function offeredModels(onAuthError, reload, datalist) {
  const body = h("div", {}, h("p", { class: "muted" }, "Asking your model servers…"));
  const panel = h("details", { class: "offered" }, h("summary", {}, "Models your servers offer"), body);
  const server = (found) => h("section", { "aria-label": `${found.server} at ${found.url}` },
    h("h3", {}, found.server === "ollama" ? "Ollama" : "OpenAI-compatible server", h("span", { class: "meta" }, ` ${found.url}`)),
    !found.answered ? h("p", { class: "muted" }, "Nothing answers there.")
      : !found.specs.length ? h("p", { class: "muted" }, "It offers no models.")
      : h("ul", { class: "plain-list" }, found.specs.map((spec) => {
          const result = statusLine();
          const button = h("button", { type: "button", "aria-label": `Test ${spec}` }, "Test");
          button.addEventListener("click", () => runTest(result, { spec }, button).catch(onAuthError));
          const use = (tier, label) => h("button", { type: "button", "aria-label": `Use ${spec} for ${TIER_NAME[tier]}`,
            onclick: () => chooseModel(tier, spec, result, reload).catch(onAuthError) }, label);
          return h("li", { class: "offered-model" }, h("code", {}, spec), " ", button, " ",
            use("strong", "Use for answers"), " ", use("fast", "Use for learning"), result);
        })));
  panel.addEventListener("toggle", async () => {
    if (!panel.open || panel.dataset.loaded) return;
    panel.dataset.loaded = "yes";
    try {
      const servers = await api("/api/settings/models");
      clear(datalist, servers.flatMap((found) => found.specs).map((spec) => h("option", { value: spec })));
      clear(body, servers.map(server),
        h("p", { class: "hint" }, "Test one, then use it: it is saved in the config file and used at once (only the server's own user may change models)."));
    } catch (error) {
      if (error instanceof AuthError) return onAuthError(error);
      showError(body, error);
    }
  });
  return panel;
}

function zoneOptions() {
  const id = uid("zones");
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [id, h("datalist", { id }, zones.map((z) => h("option", { value: z })))];
}

function profileSection(profile, onAuthError) {
  const [listId, datalist] = zoneOptions();
  const zone = h("input", { type: "text", name: "time_zone", list: listId, autocomplete: "off" });
  zone.value = profile.time_zone_setting;
  const status = statusLine();
  const form = h("form", { class: "profile-form", "aria-label": "Change the time zone" },
    field("Time zone", zone, `Now ${profile.time_zone}. Leave empty to use this machine's zone.`), datalist,
    h("button", { type: "submit" }, "Save time zone"), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const saved = await api("/api/profile", { method: "PUT", body: { time_zone: zone.value } });
      status.textContent = `Saved: pasi now uses ${saved.time_zone}.`;
    } catch (error) {
      if (error instanceof AuthError) return onAuthError(error);
      status.textContent = error.message;
    }
  });
  return h("section", { "aria-labelledby": "profile-title" },
    h("h2", { id: "profile-title" }, "Profile"),
    h("p", {}, "Signed in as ", h("strong", {}, profile.name)),
    form,
    h("h3", {}, "What pasi knows about you"),
    profile.memories.length
      ? h("ul", { class: "memory-list" }, profile.memories.map((m) =>
          h("li", { class: "memory" }, h("p", { class: "memory-text" }, m.text),
            h("p", { class: "meta" }, `${m.kind} · ${memoryStatus(m)}`),
            h("button", { type: "button", onclick: () => openDetail("memory", m.id) }, "Details"))))
      : h("p", { class: "muted" }, "Nothing yet."));
}

function dataSection(onAuthError, onSignOut, eraseAvailable) {
  const status = statusLine();
  const exportButton = h("button", { type: "button" }, "Download export");
  exportButton.addEventListener("click", async () => {
    status.textContent = "Preparing the export…";
    try {
      status.textContent = `Downloaded ${await download("/api/export")}.`;
    } catch (error) {
      if (error instanceof AuthError) return onAuthError(error);
      status.textContent = error.message;
    }
  });
  const signOut = h("button", { type: "button", onclick: () => { forgetToken(); onSignOut(); } }, "Sign out of this browser");
  return h("section", { "aria-labelledby": "data-title" },
    h("h2", { id: "data-title" }, "Your data"),
    h("p", {}, "Everything pasi holds, as one open JSON Lines file you can read or import elsewhere."),
    h("div", { class: "actions" }, exportButton, signOut), status,
    eraseAvailable ? eraseForm(onAuthError) : null);
}

function eraseForm(onAuthError) {
  const phrase = "erase everything";
  const confirm = h("input", { type: "text", name: "confirm", autocomplete: "off", spellcheck: "false" });
  const status = statusLine();
  const form = h("form", { class: "erase", "aria-label": "Erase everything" },
    h("p", {}, "This deletes your memories, conversations, uploaded files and indexes from this server, " +
      "for good (as `pasi erase --all`). Download an export first if you may want them back."),
    field(`Type “${phrase}” to confirm`, confirm),
    h("button", { type: "submit", class: "danger" }, "Erase everything"), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const result = await api("/api/erase", { method: "POST", body: { all: true, confirm: confirm.value } });
      status.textContent = `Erased ${result.erased} item(s). pasi starts again with an empty vault.`;
      confirm.value = "";
      resetChat(); // the conversation shown in the chat is gone too
    } catch (error) {
      if (error instanceof AuthError) return onAuthError(error);
      status.textContent = error.message;
    }
  });
  return h("details", { class: "danger-zone" }, h("summary", {}, "Erase everything"), form);
}

const CLOCK = "^([01]\\d|2[0-3]):[0-5]\\d$";

function charterSection(charter, onAuthError) {
  const input = (name, value, attrs = {}) => {
    const control = h("input", { type: "text", name, autocomplete: "off", ...attrs });
    control.value = value ?? "";
    return control;
  };
  const quietStart = input("quiet_start", charter.quiet_start, { pattern: CLOCK, inputmode: "numeric" });
  const quietEnd = input("quiet_end", charter.quiet_end, { pattern: CLOCK, inputmode: "numeric" });
  const budget = h("input", { type: "number", name: "daily_budget_minutes", min: 0, max: 1440, step: 1 });
  budget.value = charter.daily_budget_minutes ?? "";
  const brief = input("morning_brief", charter.morning_brief, { pattern: CLOCK, inputmode: "numeric" });
  const never = h("textarea", { name: "never", rows: 3 });
  never.value = charter.never.join("\n");
  const people = h("textarea", { name: "people", rows: 3 });
  people.value = charter.people.join("\n");
  const status = statusLine();
  const form = h("form", { class: "charter-form", "aria-label": "Your charter" },
    h("div", { class: "pair" }, field("Quiet from", quietStart, "HH:MM: no notifications from then…"), field("Quiet until", quietEnd, "…until then.")),
    field("Daily chat budget (minutes)", budget, "pasi says so once the day's chats pass it; 0 for no budget."),
    field("Morning brief at", brief, "HH:MM; leave empty for no morning brief."),
    field("pasi must never", never, "One per line, e.g. “send email without asking”."),
    field("People to keep up with", people, "One name per line: the brief says when one goes quiet."),
    h("button", { type: "submit", class: "primary" }, "Save charter"), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const lines = (area) => area.value.split("\n").map((line) => line.trim()).filter(Boolean).join("; ");
    try {
      await api("/api/charter", { method: "PATCH", body: {
        quiet_start: quietStart.value, quiet_end: quietEnd.value, daily_budget_minutes: String(budget.value || 0),
        morning_brief: brief.value, never: lines(never), people: lines(people),
      } });
      status.textContent = "Charter saved.";
    } catch (error) {
      if (error instanceof AuthError) return onAuthError(error);
      status.textContent = error.message;
    }
  });
  return h("section", { "aria-labelledby": "charter-title" },
    h("h2", { id: "charter-title" }, "Charter"),
    h("p", { class: "hint" }, "What pasi optimises for and must respect; read before every answer."), form);
}

function auditEntry(entry) {
  return h("li", { class: "card audit-entry" },
    h("p", {}, h("strong", {}, entry.model || entry.action), ` · ${entry.actor} · ${when(entry.at)}`),
    entry.endpoint ? h("p", { class: "meta" }, `Sent to ${entry.endpoint}`) : null,
    entry.payload ? h("details", {}, h("summary", {}, "What was sent"), h("pre", {}, JSON.stringify(entry.payload, null, 2))) : null);
}

function auditSection(entries, onAuthError) {
  const status = statusLine();
  const list = entries.length
    ? h("ul", { class: "plain-list" }, entries.map(auditEntry))
    : h("p", { class: "muted" }, "Nothing has left this machine: no remote model was called.");
  const clearOld = h("button", { type: "button", class: "danger" }, "Delete entries older than 30 days");
  clearOld.addEventListener("click", async () => {
    const before = new Date(Date.now() - 30 * 86_400_000).toISOString();
    try {
      const done = await api("/api/audit", { method: "DELETE", query: { before } });
      status.textContent = `Deleted ${done.deleted} entries.`;
    } catch (error) {
      if (error instanceof AuthError) return onAuthError(error);
      status.textContent = error.message;
    }
  });
  return h("section", { "aria-labelledby": "audit-title" },
    h("h2", { id: "audit-title" }, "What left this machine"),
    h("p", { class: "hint" }, "Every call to a remote model, newest first, as it was sent (names pseudonymised)."),
    list, entries.length ? h("div", { class: "actions" }, clearOld) : null, status);
}

export async function settingsView(main, onAuthError, onSignOut, notice) {
  const body = h("div");
  const reload = (message) => settingsView(main, onAuthError, onSignOut, message);
  const specs = h("datalist", { id: "offered-specs" });
  main.replaceChildren(h("section", { class: "view settings", "aria-labelledby": "settings-title" },
    h("h1", { id: "settings-title" }, "Settings"), body));
  try {
    const [settings, profile, charter, audit] = await Promise.all([
      api("/api/settings"), api("/api/profile"), api("/api/charter"), api("/api/audit", { query: { limit: 50 } }),
    ]);
    clear(body,
      h("section", { "aria-labelledby": "models-title" },
        h("h2", { id: "models-title" }, "Models"),
        notice ? h("p", { class: "status", role: "status" }, notice) : null,
        h("ul", { class: "tiers" }, settings.tiers.map((t) => tierCard(t, onAuthError, reload))),
        specs,
        customTest(onAuthError),
        offeredModels(onAuthError, reload, specs),
        h("details", {}, h("summary", {}, "Other settings"), otherSettings(settings), keyForm(settings.key_store, reload, onAuthError)),
        h("p", { class: "hint" }, "The models and notification channels are saved in the config file; other settings are changed there or with PASI_ variables (docs/configuration.md).")),
      profileSection(profile, onAuthError),
      charterSection(charter, onAuthError),
      channelsSection(onAuthError),
      auditSection(audit, onAuthError),
      dataSection(onAuthError, onSignOut, settings.erase_available));
  } catch (error) {
    if (error instanceof AuthError) return onAuthError(error);
    showError(body, error);
  }
}
