// Push-to-talk: hold the button (or Space/Enter on it) to record; on release the utterance is
// sent as WAV to POST /api/voice, which answers with what it heard, the reply, and the reply
// spoken. The browser's recorder gives WebM, which the server refuses, so samples are taken
// from Web Audio and written as 16-bit PCM WAV here.

import { ApiError, api } from "./api.js";
import { h } from "./ui.js";

function wavBytes(chunks, rate) {
  const count = chunks.reduce((n, c) => n + c.length, 0);
  const buffer = new ArrayBuffer(44 + count * 2);
  const view = new DataView(buffer);
  const text = (offset, s) => [...s].forEach((ch, i) => view.setUint8(offset + i, ch.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + count * 2, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, count * 2, true);
  let offset = 44;
  for (const chunk of chunks) {
    for (const sample of chunk) {
      const clipped = Math.max(-1, Math.min(1, sample));
      view.setInt16(offset, clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff, true);
      offset += 2;
    }
  }
  return new Blob([buffer], { type: "audio/wav" });
}

async function send(wav) {
  const form = new FormData();
  form.append("audio", wav, "ptt.wav");
  return api("/api/voice", { method: "POST", body: form });
}

/** A hold-to-talk button; onTurn({transcript, reply, audioUrl}) or onError(error) after release. */
export function talkButton(onTurn, onError) {
  const label = h("span", {}, "Hold to talk");
  const button = h("button", { type: "button", class: "talk", "aria-pressed": "false", dataset: { seconds: "0" } }, label);
  if (!navigator.mediaDevices?.getUserMedia) return null; // no microphone API (plain http off localhost)
  let recording = null;

  async function start() {
    if (recording) return;
    recording = { chunks: [], pending: true };
    const mine = recording;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1 } });
      const context = new AudioContext();
      const source = context.createMediaStreamSource(stream);
      const node = context.createScriptProcessor(4096, 1, 1);
      let samples = 0;
      node.onaudioprocess = (event) => {
        const data = event.inputBuffer.getChannelData(0);
        mine.chunks.push(new Float32Array(data));
        samples += data.length;
        button.dataset.seconds = (samples / context.sampleRate).toFixed(2);
      };
      source.connect(node);
      node.connect(context.destination);
      Object.assign(mine, { stream, context, source, node, pending: false });
      button.setAttribute("aria-pressed", "true");
      if (mine.stopAsked) stop();
    } catch (error) {
      recording = null;
      onError(new ApiError(`cannot use the microphone: ${error.message}`, 0));
    }
  }

  async function stop() {
    const mine = recording;
    if (!mine) return;
    if (mine.pending) {
      mine.stopAsked = true;
      return;
    }
    recording = null;
    mine.node.disconnect();
    mine.source.disconnect();
    for (const track of mine.stream.getTracks()) track.stop();
    const rate = mine.context.sampleRate;
    await mine.context.close();
    button.setAttribute("aria-pressed", "false");
    button.disabled = true;
    try {
      const result = await send(wavBytes(mine.chunks, rate));
      const bytes = Uint8Array.from(atob(result.audio), (c) => c.charCodeAt(0));
      const audioUrl = URL.createObjectURL(new Blob([bytes], { type: result.audio_type }));
      onTurn({ transcript: result.transcript, reply: result.reply, audioUrl });
    } catch (error) {
      onError(error);
    } finally {
      button.disabled = false;
      button.dataset.seconds = "0";
    }
  }

  button.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    start();
  });
  for (const name of ["pointerup", "pointerleave", "pointercancel"]) button.addEventListener(name, stop);
  button.addEventListener("keydown", (event) => {
    if ((event.key === " " || event.key === "Enter") && !event.repeat) {
      event.preventDefault();
      start();
    }
  });
  button.addEventListener("keyup", (event) => {
    if (event.key === " " || event.key === "Enter") stop();
  });
  return button;
}
