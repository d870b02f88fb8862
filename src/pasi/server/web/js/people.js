// People: everyone pasi knows, with last contact, their usual rhythm, who is overdue by it,
// and birthdays; a person's page with what pasi knows about them and where it came from.

import { AuthError, api } from "./api.js";
import { openDetail } from "./detail.js";
import { clear, h, showError, statusLine, uid, when } from "./ui.js";

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

function rhythm(person) {
  if (person.rhythm_days === null) return person.contacts ? "no rhythm yet" : "never in touch";
  return `usually every ${plural(Math.round(person.rhythm_days), "day", "days")}`;
}

function lastContact(person) {
  if (person.days_since === null) return "no contact on record";
  if (person.days_since === 0) return "in touch today";
  return `last in touch ${plural(person.days_since, "day", "days")} ago`;
}

function birthday(person) {
  if (!person.next_birthday) return null;
  return `birthday ${new Date(`${person.next_birthday}T12:00:00`).toLocaleDateString(undefined, { day: "numeric", month: "long" })}`;
}

function personCard(person) {
  return h("li", { class: person.overdue ? "card person overdue" : "card person" },
    h("h2", { class: "person-name" }, h("a", { href: `#/people/${person.id}` }, person.name)),
    h("p", { class: "meta" }, [lastContact(person), rhythm(person), birthday(person)].filter(Boolean).join(" · ")),
    person.overdue ? h("p", { class: "overdue-note" }, "Overdue by your usual rhythm") : null,
    person.matters ? h("p", { class: "meta" }, `You keep up with them: ${person.matters}`) : null);
}

async function listView(body, ctx) {
  const people = await api("/api/people");
  const onlyMine = h("input", { type: "checkbox", name: "matters", id: uid("mine") });
  const list = h("ul", { class: "plain-list" });
  const show = () => {
    const chosen = onlyMine.checked ? people.filter((p) => p.matters) : people;
    clear(list, chosen.map(personCard));
  };
  onlyMine.addEventListener("change", show);
  show();
  clear(body,
    people.length
      ? [h("p", { class: "muted" }, `${plural(people.length, "person", "people")} from your contacts, mail, calendars and chats.`),
         h("div", { class: "check" }, onlyMine, h("label", { for: onlyMine.id }, "Only the people I keep up with")), list]
      : h("p", { class: "muted" }, "No one yet: upload contacts, mail or a chat export in Sources."));
  ctx.say("");
}

async function personView(body, ctx, id) {
  const detail = await api(`/api/people/${id}`);
  const p = detail.person;
  ctx.title(p.name);
  clear(body,
    h("p", {}, h("a", { href: "#/people" }, "Everyone")),
    h("dl", { class: "facts" },
      p.aliases.length ? [h("dt", {}, "Also known as"), h("dd", {}, p.aliases.join(", "))] : null,
      h("dt", {}, "Last contact"), h("dd", {}, p.last_contact ? `${when(p.last_contact)} (${lastContact(p)})` : "none on record"),
      h("dt", {}, "Rhythm"), h("dd", {}, rhythm(p)),
      h("dt", {}, "Overdue"), h("dd", {}, p.overdue ? "yes, by your usual rhythm" : "no"),
      p.next_birthday ? [h("dt", {}, "Birthday"), h("dd", {}, birthday(p).replace("birthday ", ""))] : null,
      h("dt", {}, "Keep up with"), h("dd", {}, p.matters || "not on your list")),
    h("section", { "aria-labelledby": "known-title" },
      h("h2", { id: "known-title" }, "What pasi knows"),
      detail.memories.length
        ? h("ul", { class: "memory-list" }, detail.memories.map((m) => h("li", { class: "memory" },
            h("p", { class: "memory-text" }, m.text),
            h("p", { class: "meta" }, `${m.kind} · ${when(m.recorded_at)}`),
            h("button", { type: "button", onclick: () => openDetail("memory", m.id), "aria-label": `Where from: ${m.text}` }, "Where from"))))
        : h("p", { class: "muted" }, "No memories about them yet.")),
    h("section", { "aria-labelledby": "contacts-title" },
      h("h2", { id: "contacts-title" }, "When you were in touch"),
      detail.contacts.length
        ? h("ul", { class: "plain-list contacts" }, detail.contacts.map((c) => h("li", {},
            h("span", {}, `${when(c.at)} · ${c.kind || c.role}${c.title ? `: ${c.title}` : ""}`), " ",
            c.item_id ? h("button", { type: "button", class: "cite", onclick: () => openDetail("item", c.item_id), "aria-label": `Open source i${c.item_id}` }, `[i${c.item_id}]`) : null,
            h("span", { class: "meta" }, ` ${c.source}`))))
        : h("p", { class: "muted" }, "Nothing on record.")),
    h("section", { "aria-labelledby": "where-title" },
      h("h2", { id: "where-title" }, "Where this comes from"),
      detail.sources.length ? h("ul", {}, detail.sources.map((s) => h("li", {}, s))) : h("p", { class: "muted" }, "No files name them.")));
}

export async function peopleView(main, onAuthError, id) {
  const status = statusLine();
  const body = h("div");
  const heading = h("h1", { id: "people-title" }, "People");
  main.replaceChildren(h("section", { class: "view people", "aria-labelledby": "people-title" }, heading, status, body));
  const ctx = { say: (text) => (status.textContent = text), title: (text) => (heading.textContent = text) };
  try {
    await (id ? personView(body, ctx, id) : listView(body, ctx));
  } catch (error) {
    if (error instanceof AuthError) return onAuthError(error);
    showError(body, error);
  }
}
