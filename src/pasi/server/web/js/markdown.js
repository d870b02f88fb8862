// A small Markdown renderer for answers. Safe by construction: the text is HTML-escaped first,
// and only tags this file writes are added (links only to http, https and mailto).
// Covers what chat answers use: paragraphs, headings, lists, quotes, code, bold, italic,
// links, and pasi's citation tags ([m12], [t345], [i42]), which become buttons.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const SAFE_URL = /^(https?:\/\/|mailto:)/i;
const LIST_ITEM = /^\s*([-*+]|\d+[.)])\s+(.*)$/;

function inline(text) {
  const codes = [];
  let html = escapeHtml(text).replace(/`([^`]+)`/g, (_, code) => {
    codes.push(code);
    return `\u0000${codes.length - 1}\u0000`;
  });
  html = html.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label, url) =>
    SAFE_URL.test(url) ? `<a href="${url}" rel="noopener noreferrer" target="_blank">${label}</a>` : whole,
  );
  html = html.replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
  html = html.replace(/(^|[^*\w])\*([^*\s](?:[^*]*[^*\s])?)\*(?!\w)/g, "$1<em>$2</em>");
  html = html.replace(/(^|[^\w])_([^_\s](?:[^_]*[^_\s])?)_(?!\w)/g, "$1<em>$2</em>");
  html = html.replace(
    /\[([mti]\d+)\]/g,
    '<button type="button" class="cite" data-tag="$1" aria-label="Open source $1">[$1]</button>',
  );
  return html.replace(/\u0000(\d+)\u0000/g, (_, index) => `<code>${codes[Number(index)]}</code>`);
}

function list(lines, start) {
  const ordered = /\d/.test(lines[start].match(LIST_ITEM)[1]);
  const items = [];
  let i = start;
  while (i < lines.length) {
    const match = lines[i].match(LIST_ITEM);
    if (!match || /\d/.test(match[1]) !== ordered) break;
    items.push(match[2]);
    i += 1;
    while (i < lines.length && /^\s{2,}\S/.test(lines[i]) && !LIST_ITEM.test(lines[i])) {
      items[items.length - 1] += " " + lines[i].trim();
      i += 1;
    }
  }
  const tag = ordered ? "ol" : "ul";
  return [`<${tag}>${items.map((item) => `<li>${inline(item)}</li>`).join("")}</${tag}>`, i];
}

/** Markdown text to HTML that contains no markup from the text itself. */
export function renderMarkdown(source) {
  const lines = String(source).replace(/\u0000/g, "").replace(/\r\n?/g, "\n").split("\n");
  const out = [];
  let paragraph = [];
  const flush = () => {
    if (paragraph.length) out.push(`<p>${paragraph.map(inline).join("<br>")}</p>`);
    paragraph = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^\s*```/.test(line)) {
      flush();
      const code = [];
      i += 1;
      while (i < lines.length && !/^\s*```/.test(lines[i])) code.push(lines[i++]);
      i += 1;
      out.push(`<pre><code>${escapeHtml(code.join("\n"))}</code></pre>`);
    } else if (/^\s*$/.test(line)) {
      flush();
      i += 1;
    } else if (/^#{1,6}\s+/.test(line)) {
      flush();
      const [, hashes, title] = line.match(/^(#{1,6})\s+(.*)$/);
      const level = Math.min(hashes.length + 2, 6);
      out.push(`<h${level}>${inline(title)}</h${level}>`);
      i += 1;
    } else if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      out.push("<hr>");
      i += 1;
    } else if (LIST_ITEM.test(line)) {
      flush();
      const [html, next] = list(lines, i);
      out.push(html);
      i = next;
    } else if (/^\s*>/.test(line)) {
      flush();
      const quoted = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) quoted.push(lines[i++].replace(/^\s*>\s?/, ""));
      out.push(`<blockquote>${renderMarkdown(quoted.join("\n"))}</blockquote>`);
    } else {
      paragraph.push(line);
      i += 1;
    }
  }
  flush();
  return out.join("");
}
