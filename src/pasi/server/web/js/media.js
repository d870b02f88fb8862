// Recordings: a "Play from 12:31" control for a passage transcribed from a recording (a [t..]
// citation) or a whole recording source. An <audio> element cannot send the token, so the app
// asks the server for a signed link first (POST .../audio-link), then plays from the time.

import { api } from "./api.js";
import { h } from "./ui.js";

const AUDIO = /\.(wav|mp3|m4a|aac|ogg|oga|opus|flac)$/i;

/** Whether a source (a SourceOut, or its uri) is a recording pasi can play. */
export function isRecording(source) {
  const uri = typeof source === "string" ? source : source && source.kind === "file" ? source.uri : "";
  return AUDIO.test(uri || "");
}

/** "12:31" from seconds, as the recording's passages are cited. */
export function clock(seconds) {
  const whole = Math.floor(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

/** The time a recording passage starts at, from its locator ("12:31#..."), or null. */
export function passageStart(externalId) {
  const match = String(externalId || "").match(/^(?:(\d+):)?(\d+):(\d\d)(?:[ #]|$)/);
  return match ? Number(match[1] || 0) * 3600 + Number(match[2]) * 60 + Number(match[3]) : null;
}

function player(link, label) {
  const audio = h("audio", { controls: true, preload: "metadata", class: "recording", "aria-label": label });
  const start = link.start_seconds || 0;
  audio.src = start ? `${link.url}#t=${start}` : link.url; // the media fragment seeks on load
  audio.addEventListener("loadedmetadata", () => {
    if (start && Math.abs(audio.currentTime - start) > 0.5) audio.currentTime = start;
  }, { once: true });
  audio.play().catch(() => {}); // autoplay may be refused: the controls stay
  return audio;
}

/** A button that plays a recording: ``{episode: id}`` from its passage's time, or
 * ``{source: id}`` from the beginning. ``label`` names what it plays. */
export function playButton({ episode, source, start }, label) {
  const text = episode ? `Play from ${clock(start || 0)}` : "Play recording";
  const button = h("button", { type: "button", class: "play", "aria-label": `${text}: ${label}` }, `▶ ${text}`);
  const spot = h("span", { class: "player" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const path = episode ? `/api/episodes/${episode}/audio-link` : `/api/sources/${source}/audio-link`;
      const link = await api(path, { method: "POST" });
      spot.replaceChildren(player(link, `${label}, from ${clock(link.start_seconds || 0)}`));
      button.hidden = true;
    } catch (error) {
      spot.replaceChildren(h("span", { class: "error-text" }, error.message));
      button.disabled = false;
    }
  });
  return h("span", { class: "play-control" }, button, spot);
}
