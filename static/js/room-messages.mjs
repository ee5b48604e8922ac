// Live messages are made from the page's own <template id="message-template">, which the server
// renders from templates/rooms/_message.html with every optional part present: this module clones
// it, fills each [data-slot] and removes the [data-part]s a message does not have. The markup is
// written once, in the template.

import { avatar } from "./avatars.mjs";

const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

// The stand-in values the template's links carry (civicnet/rooms/prototype.py).
const PROTOTYPE_ID = "987654321";
const PROTOTYPE_THREAD_ID = "987654322";
const PROTOTYPE_USERNAME = "AUTHOR";

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function visuallyHidden(text) {
  return element("span", "govuk-visually-hidden", text);
}

// As the template's `date("datetime")` filter: "5 March 2026 at 09:07 UTC".
export function formatTime(iso) {
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  const day = `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
  return `${day} at ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

// A message's text without its markup, for the screen-reader announcement.
export function plainText(message) {
  const template = document.createElement("template"); // inert: nothing in it loads or runs
  template.innerHTML = message.body_html;
  return template.content.textContent.replace(/\s+/g, " ").trim();
}

// Which optional parts of the template a message has, for this viewer: the same conditions as
// _message.html's, with the server's answers for the message and the page's for the viewer.
function partsOf(message, viewer) {
  const { author } = message;
  const mine = author.username === viewer.username;
  // In a thread, a reply to its first message needs no quote: it is right above.
  const quoted = message.reply_to && message.reply_to.id !== message.thread_root ? message.reply_to : null;
  const plain = !message.hidden;
  const actions = !message.hidden && !message.held;
  return {
    "speaking-for": Boolean(message.speaking_for),
    "speaking-personally": !message.speaking_for && author.verified,
    edited: Boolean(message.edited_at),
    quote: Boolean(quoted),
    "quote-excerpt": Boolean(quoted?.excerpt),
    "quote-gone": Boolean(quoted) && !quoted.excerpt,
    removed: message.hidden && message.removed,
    hidden: message.hidden && !message.removed,
    held: message.held && !message.hidden,
    body: plain,
    attachments: plain && Boolean(message.attachments?.length),
    actions: actions && (viewer.canPost() || Boolean(viewer.username)),
    reply: viewer.canPost(),
    edit: viewer.canPost() && mine,
    report: Boolean(viewer.username) && !mine,
    propose: Boolean(viewer.username) && !viewer.direct,
    reactions: actions,
    react: viewer.canPost(),
    "reactions-read": !viewer.canPost(),
  };
}

export function messageRenderer(root, canPost) {
  const template = document.getElementById("message-template");
  const viewer = { username: root.dataset.username, canPost, direct: root.dataset.direct === "true" };
  const roleLabels = JSON.parse(root.dataset.roleLabels || "{}");
  const decorators = []; // what other modules add to a message once drawn (room-reactions.mjs)

  function fill(item, name, text) {
    item.querySelectorAll(`[data-slot="${name}"]`).forEach((node) => { node.textContent = text; });
  }

  function badges(item, author) {
    const verified = item.querySelector(".civicnet-badge--verified");
    const role = item.querySelector(".civicnet-badge:not(.civicnet-badge--verified)");
    if (author.verified) verified.lastChild.textContent = ` Verified: ${author.organisation}`;
    else verified.remove();
    // As role_badge: a verified public servant's badge says it all.
    if (author.verified && author.role === "public_servant") {
      role.remove();
    } else {
      role.className = `civicnet-badge civicnet-badge--${author.role.replaceAll("_", "-")}`;
      role.textContent = roleLabels[author.role] || author.role;
    }
  }

  // The template's image and file items, copied for each of the message's attachments.
  function attachments(item, message) {
    const list = item.querySelector("[data-part=attachments]");
    if (!list) return;
    const proto = {
      image: list.querySelector("[data-attachment=image]"),
      file: list.querySelector("[data-attachment=file]"),
    };
    list.replaceChildren(...message.attachments.map((attachment) => {
      const entry = proto[attachment.kind === "image" ? "image" : "file"].cloneNode(true);
      entry.querySelector("a").href = attachment.url;
      fill(entry, "attachment-name", attachment.name);
      fill(entry, "attachment-summary", attachment.summary);
      const thumbnail = entry.querySelector("img");
      if (thumbnail) {
        thumbnail.src = attachment.thumbnail_url;
        thumbnail.width = attachment.thumbnail_width;
        thumbnail.height = attachment.thumbnail_height;
      }
      return entry;
    }));
  }

  function render(message) {
    const item = template.content.firstElementChild.cloneNode(true);
    const { author } = message;
    const parts = partsOf(message, viewer);
    item.querySelectorAll("[data-part]").forEach((part) => {
      if (!parts[part.dataset.part]) part.remove();
    });
    item.id = `message-${message.id}`;
    item.dataset.id = message.id;
    item.dataset.author = author.username;
    item.classList.toggle("civicnet-message--hidden", message.hidden);
    item.classList.toggle("civicnet-message--held", message.held);
    item.querySelectorAll("a[href]").forEach((link) => {
      const href = link.getAttribute("href")
        .replace(PROTOTYPE_THREAD_ID, message.thread_root || message.id)
        .replace(PROTOTYPE_ID, message.id)
        .replace(PROTOTYPE_USERNAME, encodeURIComponent(author.username));
      link.setAttribute("href", href);
    });
    item.querySelectorAll("form[action]").forEach((form) => {
      form.setAttribute("action", form.getAttribute("action").replace(PROTOTYPE_ID, message.id));
    });
    item.querySelector("[data-slot=avatar]")?.replaceWith(avatar(author));
    fill(item, "author", author.display_name);
    fill(item, "author-name", author.display_name);
    badges(item, author);
    const time = item.querySelector("[data-slot=time]");
    time.dateTime = message.created_at;
    time.textContent = formatTime(message.created_at);
    fill(item, "speaking-for", message.speaking_for || "");
    if (message.reply_to) {
      fill(item, "quote-author", message.reply_to.author);
      fill(item, "quote-excerpt", message.reply_to.excerpt);
    }
    const body = item.querySelector("[data-slot=body]");
    if (body) body.innerHTML = message.body_html; // cleaned server-side by sanitize_html, like the template's |safe
    attachments(item, message);
    decorators.forEach((decorate) => decorate(item, message));
    return item;
  }

  // "3 replies" under a message that starts a thread (the template's part, put back if it was left out).
  function showReplies(item, count) {
    item.dataset.replies = count;
    let part = item.querySelector(":scope > [data-part=thread]");
    if (!count) {
      part?.remove();
      return;
    }
    if (!part) {
      part = template.content.querySelector("[data-part=thread]").cloneNode(true);
      const link = part.querySelector("a");
      link.setAttribute("href", link.getAttribute("href").replace(PROTOTYPE_ID, item.dataset.id));
      link.setAttribute("aria-expanded", "false"); // it opens the thread here (room-threads.mjs)
      const name = item.querySelector("[data-slot=author]")?.textContent || "";
      part.querySelectorAll("[data-slot=author-name]").forEach((node) => { node.textContent = name; });
      // Where the template puts it: after the text and files, before the reactions and actions.
      const next = item.querySelector(":scope > [data-part=reactions], :scope > [data-part=actions], :scope > .civicnet-thread");
      if (next) next.before(part);
      else item.append(part);
    }
    part.querySelector("[data-slot=replies]").textContent = `${count} ${count === 1 ? "reply" : "replies"}`;
  }

  // A message that starts a thread, deleted while replies to it remain: the template's placeholder
  // in place of its text, and nothing more to do with it (as the page draws it after a reload).
  function markDeleted(item) {
    for (const part of ["removed", "hidden", "held", "body", "attachments", "reactions", "actions"]) {
      item.querySelector(`:scope > [data-part="${part}"]`)?.remove();
    }
    const placeholder = template.content.querySelector("[data-part=deleted]").cloneNode(true);
    (item.querySelector(":scope > [data-part=quote]") || item.querySelector(":scope > .civicnet-message__meta")).after(placeholder);
    item.classList.add("civicnet-message--hidden");
  }

  // One's own message on its way: the text as typed, until the server has stored it.
  function renderPending(entry) {
    const item = element("li", "civicnet-message civicnet-message--pending");
    item.dataset.clientId = entry.client_id;
    const line = element("p", "civicnet-message__meta govuk-body-s");
    line.append(
      element("span", "govuk-!-font-weight-bold", root.dataset.displayName || viewer.username),
      " ",
      element("span", "civicnet-message__status", "Sending…"),
    );
    const body = element("div", "civicnet-message__body govuk-body");
    body.append(element("p", "civicnet-message__pending-body", entry.body));
    item.append(line, body);
    return item;
  }

  return { render, renderPending, showReplies, markDeleted, decorators };
}
