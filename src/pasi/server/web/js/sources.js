// Sources: connected files and folders with counts, last sync and errors; uploads with progress.

import { AuthError, api, upload } from "./api.js";
import { captureSection } from "./capture.js";
import { isRecording, playButton } from "./media.js";
import { bytes, clear, field, h, showError, statusLine, when } from "./ui.js";

const POLL_MS = 400;

const plural = (count, one, many) => `${count} ${count === 1 ? one : many}`;

function fileName(uri) {
  return uri.replace(/^(file|folder):/, "").split("/").pop() || uri;
}

function sourceCard(source) {
  return h("li", { class: "source" },
    h("p", { class: "source-name" }, source.title || fileName(source.uri)),
    h("p", { class: "meta" }, source.uri.replace(/^(file|folder):/, "")),
    h("p", { class: "counts" },
      `${source.kind} · ${plural(source.episodes, "passage", "passages")} · ${plural(source.items, "record", "records")}`),
    h("p", { class: "meta" }, source.synced_at ? `Last synced ${when(source.synced_at)}` : "Not synced yet"),
    source.trust === "external" ? h("p", { class: "meta" }, "Written by others (treated as untrusted)") : null,
    isRecording(source) ? playButton({ source: source.id }, source.title || fileName(source.uri)) : null);
}

function jobLine(job) {
  const counts = Object.entries(job.counts || {}).filter(([, n]) => n).map(([name, n]) => `${n} ${name}`).join(", ");
  const files = job.files.length ? job.files.join(", ") : "all sources";
  const text = `${job.kind === "sync" ? "Sync" : "Upload"} of ${files}: ${job.status}${counts ? ` (${counts})` : ""}`;
  return h("li", { class: `job ${job.status}` }, text, job.error ? h("p", { class: "error-text" }, job.error) : null);
}

async function pollJob(job, bar, status) {
  for (;;) {
    if (job.total) {
      bar.max = job.total;
      bar.value = job.done;
    } else bar.removeAttribute("value");
    status.textContent =
      job.status === "running" && job.current ? `Reading ${job.current} (${job.done} of ${job.total ?? "?"} files)` : `Job ${job.status}…`;
    if (job.status === "done" || job.status === "failed") return job;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = await api(`/api/ingest/${job.id}`);
  }
}

export async function sourcesView(main, onAuthError) {
  const status = statusLine();
  const list = h("div", { class: "source-list" });
  const files = h("input", { type: "file", name: "files", multiple: true });
  const bar = h("progress", { class: "upload-progress", max: 1, value: 0, hidden: true, "aria-label": "Upload progress" });
  const uploadButton = h("button", { type: "submit", class: "primary" }, "Upload");
  const syncButton = h("button", { type: "button" }, "Sync now");
  let limit = null;

  async function refresh() {
    const data = await api("/api/sources");
    limit = data.upload_max_bytes;
    const t = data.totals;
    clear(list,
      h("p", { class: "totals" }, [
        plural(t.memories, "memory", "memories"), plural(t.episodes, "passage or turn", "passages and turns"),
        plural(t.items, "record", "records"), plural(t.conversations, "conversation", "conversations"),
      ].join(" · ")),
      data.sources.length
        ? h("ul", { class: "sources-list", "aria-label": "Connected sources" }, data.sources.map(sourceCard))
        : h("p", { class: "muted" }, "No files yet: upload some above, or run ", h("code", {}, "pasi ingest PATH"), "."),
      data.errors.length
        ? h("section", { class: "errors", "aria-labelledby": "errors-title" },
            h("h2", { id: "errors-title" }, "Files that could not be read"),
            h("ul", {}, data.errors.map((e) => h("li", {}, h("p", { class: "error-text" }, e.reason), h("p", { class: "meta" }, when(e.at))))))
        : null,
      data.jobs.length
        ? h("section", { class: "jobs", "aria-labelledby": "jobs-title" }, h("h2", { id: "jobs-title" }, "Recent jobs"), h("ul", {}, data.jobs.map(jobLine)))
        : null);
  }

  async function run(start, label) {
    uploadButton.disabled = syncButton.disabled = true;
    bar.hidden = false;
    try {
      const job = await pollJob(await start(), bar, status);
      const counts = Object.entries(job.counts).filter(([, n]) => n).map(([name, n]) => `${n} ${name}`).join(", ");
      status.textContent = job.status === "done" ? `${label} finished: ${counts || "nothing changed"}.` : `${label} failed: ${job.error}`;
      bar.max = 1;
      bar.value = 1;
      await refresh();
    } catch (error) {
      if (error instanceof AuthError) return onAuthError(error);
      status.textContent = `${label} failed: ${error.message}`;
    } finally {
      uploadButton.disabled = syncButton.disabled = false;
    }
  }

  const form = h("form", { class: "upload", "aria-label": "Upload files" },
    field("Files to add", files, "Notes, documents, email, calendars, contacts, chat exports, images."),
    uploadButton, bar);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = [...files.files];
    if (!chosen.length) return void (status.textContent = "Choose one or more files first.");
    const tooBig = limit && chosen.find((f) => f.size > limit);
    if (tooBig) return void (status.textContent = `${tooBig.name} is ${bytes(tooBig.size)}: the limit is ${bytes(limit)}.`);
    run(() => {
      bar.max = 1;
      bar.value = 0;
      status.textContent = "Uploading…";
      return upload("/api/ingest", chosen, (fraction) => {
        bar.value = fraction;
        status.textContent = `Uploading… ${Math.round(fraction * 100)}%`;
      });
    }, "Upload").then(() => (files.value = ""));
  });
  syncButton.addEventListener("click", () => run(() => api("/api/sync", { method: "POST" }), "Sync"));

  main.replaceChildren(h("section", { class: "view sources", "aria-labelledby": "sources-title" },
    h("h1", { id: "sources-title" }, "Sources"), form, h("div", { class: "actions" }, syncButton), status, list,
    captureSection(onAuthError)));
  try {
    await refresh();
  } catch (error) {
    if (error instanceof AuthError) return onAuthError(error);
    showError(list, error);
  }
}
