// Images attached to a chat message: each picked file is read here as a data URL and sent with
// the message to POST /api/chat (`images`), where pasi reads it as `pasi chat --image` does
// (its text by OCR, its EXIF time and place, the vision model when one is configured).

import { h } from "./ui.js";

const TYPES = ["image/png", "image/jpeg", "image/webp"];
const MAX_BYTES = 20 * 1024 * 1024; // the server's limit per image
const MAX_IMAGES = 8; // the server's limit per message

function readDataUrl(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function refusal(file, count) {
  if (!TYPES.includes(file.type)) return `${file.name}: pasi reads PNG, JPEG and WebP images`;
  if (file.size > MAX_BYTES) return `${file.name} is larger than 20 MB`;
  if (count >= MAX_IMAGES) return `a message takes at most ${MAX_IMAGES} images`;
  return null;
}

/** Thumbnails of attached images (in the composer, and in the message once sent). */
export function thumbnails(images, onRemove) {
  return h(
    "ul",
    { class: "attachments", "aria-label": "Attached images" },
    images.map((image, index) =>
      h(
        "li",
        {},
        h("img", { src: image.url, alt: image.name }),
        onRemove
          ? h("button", { type: "button", class: "remove", "aria-label": `Remove ${image.name}`, onclick: () => onRemove(index) }, "×")
          : null,
      ),
    ),
  );
}

/** An "Attach image" button, its file input and the pending images; take() hands them over
 * (and empties the list). onChange(count) after each change, onError(message) for a refused file. */
export function imagePicker(onChange, onError) {
  const input = h("input", { type: "file", accept: TYPES.join(","), multiple: true, hidden: true });
  const button = h("button", { type: "button", class: "attach" }, "Attach image");
  const shown = h("div", { class: "pending-images" });
  let pending = [];
  const render = () => {
    shown.replaceChildren(pending.length ? thumbnails(pending, (index) => { pending.splice(index, 1); render(); }) : "");
    onChange(pending.length);
  };
  button.addEventListener("click", () => input.click());
  input.addEventListener("change", async () => {
    for (const file of [...input.files]) {
      const refused = refusal(file, pending.length);
      if (refused) onError(refused);
      else pending.push({ name: file.name, url: await readDataUrl(file) });
    }
    input.value = "";
    render();
  });
  return {
    controls: [button, input],
    shown,
    count: () => pending.length,
    take() {
      const taken = pending;
      pending = [];
      render();
      return taken;
    },
  };
}
