// Talking to the pasi server: the token, JSON requests, uploads with progress, and the chat stream.

const TOKEN_KEY = "pasi.token";

export class AuthError extends Error {}

export class ApiError extends Error {
  constructor(message, status, param) {
    super(message);
    this.status = status;
    this.param = param;
  }
}

/** Take a token from the URL fragment (#token=...), keep it, and clean it out of the address bar. */
export function adoptTokenFromUrl() {
  const match = location.hash.match(/(?:^#|&)token=([^&]+)/);
  if (match) {
    localStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search + "#/today");
  }
}

export const getToken = () => localStorage.getItem(TOKEN_KEY);
export const setToken = (token) => localStorage.setItem(TOKEN_KEY, token.trim());
export const forgetToken = () => localStorage.removeItem(TOKEN_KEY);

function headers(extra = {}) {
  const token = getToken();
  if (!token) throw new AuthError("no token");
  return { Authorization: `Bearer ${token}`, ...extra };
}

async function failure(response) {
  if (response.status === 401) return new AuthError("the token was rejected");
  let message = `${response.status} ${response.statusText}`;
  let param;
  try {
    const body = await response.json();
    if (body && body.error) {
      message = body.error.message || message;
      param = body.error.param;
    }
  } catch {
    /* not JSON: keep the status line */
  }
  return new ApiError(message, response.status, param);
}

/** A request with a JSON (or FormData) body and a JSON answer; throws AuthError on 401 and
 * ApiError (with the server's message) otherwise. */
export async function api(path, { method = "GET", body, query } = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const json = body && !(body instanceof FormData); // a form sets its own multipart type
  const init = { method, headers: headers(json ? { "Content-Type": "application/json" } : {}) };
  if (body) init.body = json ? JSON.stringify(body) : body;
  const response = await fetch(url, init);
  if (!response.ok) throw await failure(response);
  return response.status === 204 ? null : response.json();
}

/** A file download (the export) through an object URL, since it needs the token header. */
export async function download(path) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) throw await failure(response);
  const disposition = response.headers.get("Content-Disposition") || "";
  const name = (disposition.match(/filename="?([^";]+)"?/) || [])[1] || "pasi-export.jsonl";
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/** Upload files as multipart form data; onProgress(fraction) as the bytes leave (fetch cannot). */
export function upload(path, files, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const file of files) form.append("files", file, file.name);
    const request = new XMLHttpRequest();
    request.open("POST", path);
    try {
      request.setRequestHeader("Authorization", headers().Authorization);
    } catch (error) {
      reject(error);
      return;
    }
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      let body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        /* handled below */
      }
      if (request.status === 401) reject(new AuthError("the token was rejected"));
      else if (request.status >= 200 && request.status < 300) resolve(body);
      else {
        const error = body && body.error ? body.error : {};
        reject(new ApiError(error.message || `upload failed (${request.status})`, request.status, error.param));
      }
    };
    request.onerror = () => reject(new ApiError("the upload could not reach the server", 0));
    request.send(form);
  });
}

/** Read a server-sent event stream: onEvent(data, id) for each event with JSON data. */
export async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
    let end;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end).split(/\r?\n/);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
      const field = (name) => block.filter((line) => line.startsWith(`${name}:`)).map((line) => line.slice(name.length + 1).replace(/^ /, ""));
      const data = field("data").join("\n");
      if (data) onEvent(JSON.parse(data), field("id")[0]);
    }
    if (done) break;
  }
}

/** POST /api/chat and call onEvent for each server-sent event as it arrives. */
export async function chatStream(message, onEvent, signal, images = [], conversationId = null) {
  const body = { message };
  if (images.length) body.images = images;
  if (conversationId !== null && conversationId !== undefined) body.conversation_id = conversationId;
  const response = await fetch("/api/chat", {
    method: "POST",
    headers: headers({ "Content-Type": "application/json", Accept: "text/event-stream" }),
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok) throw await failure(response);
  await readEvents(response, onEvent);
}

/** GET an event stream that stays open (notifications) until it ends or signal aborts. */
export async function followEvents(path, onEvent, signal) {
  const response = await fetch(path, { headers: headers({ Accept: "text/event-stream" }), signal });
  if (!response.ok) throw await failure(response);
  await readEvents(response, onEvent);
}
