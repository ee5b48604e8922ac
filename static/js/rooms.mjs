// The room page, live: new messages, edits and deletions appear without a reload, the compose form
// sends over the shared socket, and a dropped connection catches up on what it missed.
// Without JavaScript the page works as it is: a form POST to send, "Older messages" links to read.
// Messages are built to the same structure as templates/rooms/_message.html.

import { socket } from "./live.mjs";
import { composeKeys } from "./compose-keys.mjs";
import { element, messageRenderer, plainText, visuallyHidden } from "./room-messages.mjs";

const TYPING_SHOWN_MS = 3000;
const TYPING_SENT_EVERY_MS = 3000;
const ANNOUNCED_KEPT = 5;
const CATCH_UP_PAGES = 20;
const RATE_LIMITED_RETRY_MS = 2500;

const root = document.getElementById("room");
if (root?.dataset.room) start(root);

function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; getRandomValues does not.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function start(root) {
  const slug = root.dataset.room;
  const me = root.dataset.username;
  const list = document.getElementById("messages");
  const noMessages = document.getElementById("no-messages");
  const announcer = document.getElementById("announcer");
  const typingLine = document.getElementById("typing");
  const online = document.getElementById("online");
  const offline = document.getElementById("offline"); // the banner beside the compose box
  const form = document.getElementById("compose");
  const textarea = form?.querySelector("textarea[name=body]");
  const replyInput = document.getElementById("reply_to");
  // An older page (?before=...) is for reading back: it does not take in new messages.
  const readingBack = new URLSearchParams(window.location.search).has("before");

  const pending = new Map(); // client_id -> {client_id, body, reply_to, element}
  const present = new Map(); // username -> author payload
  const typists = new Map(); // username -> {name, timer}
  let canPost = Boolean(form);
  let lastId = Math.max(0, ...Array.from(list.querySelectorAll("li[data-id]"), (li) => Number(li.dataset.id)));
  let lastRead = readingBack ? Infinity : lastId; // the server marked the page read when it rendered it
  let lastTypingSent = 0;
  let refused = false; // the server turned the connection away: the page is back to plain forms

  const view = messageRenderer(root, () => canPost);

  // Real messages in id order, then the ones still being sent.
  function placeMessage(item, id) {
    for (const other of list.children) {
      if (other.classList.contains("civicnet-message--pending") || Number(other.dataset.id) > id) {
        other.before(item);
        return;
      }
    }
    list.append(item);
  }

  function updateEmptyState() {
    if (noMessages) noMessages.hidden = list.children.length > 0;
  }

  // "At the bottom" means the newest messages are in view; keep them there as more arrive.
  // (Chromium's scroll anchoring mostly does this already; browsers without it need the help.)
  function nearBottom() {
    return list.getBoundingClientRect().bottom <= window.innerHeight + 80;
  }

  function keepAtBottom(wasNearBottom) {
    if (wasNearBottom) (form || list.lastElementChild || list).scrollIntoView({ block: "nearest" });
  }

  function announce(text) {
    announcer.append(element("p", "", text));
    while (announcer.children.length > ANNOUNCED_KEPT) announcer.firstElementChild.remove();
  }

  // --- Receiving ---------------------------------------------------------------------------

  // Add a message unless it is already on the page; a message of ours replaces its pending copy.
  // Returns true if it was new to this page.
  function receive(message) {
    if (message.room !== slug) return false;
    lastId = Math.max(lastId, message.id);
    const mine = message.author.username === me;
    const entry = mine && message.client_id ? pending.get(message.client_id) : undefined;
    if (entry) {
      pending.delete(entry.client_id);
      entry.element.remove();
    }
    if (document.getElementById(`message-${message.id}`) || (readingBack && !entry)) {
      updateEmptyState();
      return false;
    }
    placeMessage(view.render(message), message.id);
    stopTyping(message.author.username);
    updateEmptyState();
    return true;
  }

  function receiveAll(messages) {
    const wasNearBottom = nearBottom();
    const added = messages.filter(receive);
    const fromOthers = added.filter((m) => m.author.username !== me);
    if (fromOthers.length > 3) announce(`${fromOthers.length} new messages`);
    else fromOthers.forEach((m) => announce(`${m.author.display_name}: ${plainText(m)}`));
    if (added.length) keepAtBottom(wasNearBottom);
    markRead();
  }

  function markRead() {
    if (document.visibilityState !== "visible" || !socket.connected || lastId <= lastRead) return;
    const newest = list.querySelector(`li[data-id="${lastId}"]`);
    lastRead = lastId;
    // The server already marked our own latest message read when it stored it.
    if (newest && newest.dataset.author !== me) socket.emit("mark_read", { room: slug, message_id: lastId });
  }

  socket.on("message_posted", (message) => receiveAll([message]));

  // An edit, or a moderator's decision: hidden and held messages are redrawn whole, and a message
  // that comes back (restored, or approved after being held) takes its place by id.
  function applyEdit(message) {
    if (message.room !== slug) return;
    const item = document.getElementById(`message-${message.id}`);
    const redraw = message.hidden || message.held || item?.classList.contains("civicnet-message--hidden")
      || item?.classList.contains("civicnet-message--held");
    if (item && redraw) item.replaceWith(view.render(message));
    else if (item) view.applyEdit(item, message);
    else if (!readingBack && message.id <= lastId && !message.hidden) placeMessage(view.render(message), message.id);
    updateEmptyState();
  }

  socket.on("message_hidden", (message) => {
    if (message.room !== slug || !document.getElementById(`message-${message.id}`)) return;
    applyEdit(message);
    const what = message.removed ? "removed by a moderator" : "hidden pending review";
    announce(`A message from ${message.author.display_name} was ${what}`);
  });
  socket.on("message_restored", (message) => {
    if (message.room !== slug) return;
    const known = document.getElementById(`message-${message.id}`);
    if (!known && message.id > lastId) receiveAll([message]);
    else applyEdit(message);
    announce(`${message.author.display_name}'s message is shown again`);
  });

  function applyDelete({ id, room }) {
    if (room !== slug) return;
    document.getElementById(`message-${id}`)?.remove();
    updateEmptyState();
  }

  socket.on("message_edited", applyEdit);
  socket.on("message_deleted", applyDelete);

  document.addEventListener("visibilitychange", markRead);

  // --- Who is online, who is typing ------------------------------------------------------

  function renderOnline() {
    const people = [...present.values()].sort((a, b) => a.display_name.localeCompare(b.display_name));
    const name = (person) => (person.username === me ? `${person.display_name} (you)` : person.display_name);
    // Verified public servants carry their badge here too, as everywhere their name appears.
    const entry = (person) => {
      const item = element("li", "", name(person));
      if (person.verified) item.append(" ", element("strong", "civicnet-badge civicnet-badge--verified", `Verified: ${person.organisation}`));
      return item;
    };
    online.replaceChildren(...people.map(entry));
  }

  socket.on("member_joined", ({ room, user }) => {
    if (room !== slug) return;
    present.set(user.username, user);
    renderOnline();
  });

  socket.on("member_left", ({ room, user }) => {
    if (room !== slug) return;
    present.delete(user.username);
    stopTyping(user.username);
    renderOnline();
  });

  function renderTyping() {
    const names = [...typists.values()].map((typist) => typist.name);
    if (names.length === 0) typingLine.textContent = "";
    else if (names.length === 1) typingLine.textContent = `${names[0]} is typing…`;
    else if (names.length === 2) typingLine.textContent = `${names[0]} and ${names[1]} are typing…`;
    else typingLine.textContent = `${names.length} people are typing…`;
  }

  function stopTyping(username) {
    const typist = typists.get(username);
    if (!typist) return;
    clearTimeout(typist.timer);
    typists.delete(username);
    renderTyping();
  }

  socket.on("user_typing", ({ room, user }) => {
    if (room !== slug || user.username === me) return;
    clearTimeout(typists.get(user.username)?.timer);
    const timer = setTimeout(() => stopTyping(user.username), TYPING_SHOWN_MS);
    typists.set(user.username, { name: user.display_name, timer });
    renderTyping();
  });

  // --- Joining, and catching up after every reconnect ------------------------------------

  // The server's clock at our last join: edits and deletions after it are replayed on the next one.
  let syncedAt = root.dataset.renderedAt || null;

  async function join() {
    let afterId = lastId || null;
    for (let page = 0; page < CATCH_UP_PAGES; page += 1) {
      let ack;
      const since = page === 0 && afterId ? syncedAt : null;
      try {
        ack = await socket.emitWithAck("join_room", { room: slug, after_id: afterId, since });
      } catch {
        return; // disconnected before the answer came: the next "connect" joins again
      }
      if (!ack?.ok) return;
      if (page === 0) {
        syncedAt = ack.server_time;
        ack.edited.forEach(applyEdit);
        ack.deleted.forEach((id) => applyDelete({ id, room: slug }));
      }
      canPost = ack.can_post && Boolean(form);
      present.clear();
      ack.members_online.forEach((person) => present.set(person.username, person));
      renderOnline();
      receiveAll(ack.messages);
      if (!ack.has_more || readingBack || !socket.connected) break;
      afterId = lastId;
    }
    // Whatever was sent on an earlier connection and never answered goes again with the same
    // client_id, so the server stores it once even if the first attempt did arrive.
    pending.forEach((entry) => {
      if (entry.sentOn !== socket.id) emitSend(entry);
    });
  }

  // live.mjs may have connected already, before this module ran.
  socket.on("connect", join);
  socket.on("connect", () => {
    if (offline) offline.hidden = true;
  });
  if (socket.connected) join();

  socket.on("disconnect", () => {
    online.replaceChildren(element("li", "", "Reconnecting…"));
    if (offline) offline.hidden = false;
    [...typists.keys()].forEach(stopTyping);
  });

  // Turned away (signed out elsewhere, or suspended) rather than a network problem, which Socket.IO
  // keeps retrying: hand back whatever was waiting, so nothing typed is lost, and post the form.
  socket.on("connect_error", () => {
    if (socket.active) return;
    refused = true;
    if (offline) offline.hidden = true; // not reconnecting: the form posts instead
    online.replaceChildren(element("li", "", "Not connected. Reload the page to see who is online."));
    pending.forEach((entry) => giveBack(entry, "Your message was not sent. Send it again"));
  });

  // --- Sending ---------------------------------------------------------------------------

  if (!form || !textarea) return;

  const errorId = `${textarea.id}-error`;

  function describedBy(add, id) {
    const ids = new Set((textarea.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean));
    if (add) ids.add(id);
    else ids.delete(id);
    textarea.setAttribute("aria-describedby", [...ids].join(" "));
  }

  function showError(text) {
    textarea.closest(".govuk-form-group")?.classList.add("govuk-form-group--error");
    textarea.classList.add("govuk-textarea--error");
    let error = document.getElementById(errorId);
    if (!error) {
      error = element("p", "govuk-error-message");
      error.id = errorId;
      textarea.before(error);
    }
    error.replaceChildren(visuallyHidden("Error:"), ` ${text}`);
    describedBy(true, errorId);
    announce(`Error: ${text}`);
  }

  function clearError() {
    textarea.closest(".govuk-form-group")?.classList.remove("govuk-form-group--error");
    textarea.classList.remove("govuk-textarea--error");
    document.getElementById(errorId)?.remove();
    describedBy(false, errorId);
  }

  function setText(text) {
    textarea.value = text;
    textarea.dispatchEvent(new Event("input")); // let GOV.UK's character count catch up
  }

  function endReply(replyTo) {
    if (replyInput && replyTo !== null && replyInput.value === String(replyTo)) {
      replyInput.value = "";
      document.getElementById("replying-to")?.remove();
    }
  }

  // Give a message that cannot be sent back to its writer, with the reason.
  function giveBack(entry, reason) {
    if (!pending.delete(entry.client_id)) return;
    entry.element.remove();
    updateEmptyState();
    setText(textarea.value.trim() ? `${entry.body}\n\n${textarea.value}` : entry.body);
    showError(reason);
  }

  function onSent(entry, ack) {
    if (ack?.ok) {
      if (pending.has(entry.client_id)) receiveAll([ack.message]);
      endReply(entry.reply_to);
    } else if (ack?.error?.code === "rate_limited" && pending.has(entry.client_id)) {
      // Typical after a long time offline with several messages queued: they go a little later.
      setTimeout(() => emitSend(entry), RATE_LIMITED_RETRY_MS);
    } else {
      giveBack(entry, ack?.error?.message || "Your message could not be sent. Try again");
    }
  }

  function emitSend(entry) {
    // While disconnected, leave it pending: join() sends it once the connection is back.
    if (!socket.connected) return;
    const { client_id, body, reply_to, speaking_for } = entry;
    entry.sentOn = socket.id;
    socket.emit("send_message", { room: slug, body, client_id, reply_to, speaking_for }, (ack) => onSent(entry, ack));
  }

  function send() {
    const body = textarea.value;
    textarea.focus();
    if (!body.trim()) {
      showError("Enter a message");
      return;
    }
    clearError();
    const speaking = form.querySelector("input[name=speaking_for]:checked")?.value || null;
    const entry = { client_id: newClientId(), body, reply_to: Number(replyInput?.value) || null, speaking_for: speaking };
    entry.element = view.renderPending(entry);
    pending.set(entry.client_id, entry);
    const wasNearBottom = nearBottom();
    list.append(entry.element);
    updateEmptyState();
    keepAtBottom(wasNearBottom);
    setText("");
    lastTypingSent = 0;
    emitSend(entry);
  }

  form.addEventListener("submit", (event) => {
    if (refused) return; // post the form, as without JavaScript
    event.preventDefault();
    send();
  });

  composeKeys(form, textarea); // Enter sends, or starts a new line by the member's choice

  textarea.addEventListener("input", (event) => {
    const now = Date.now();
    if (!event.isTrusted || !textarea.value.trim() || !socket.connected) return;
    if (now - lastTypingSent < TYPING_SENT_EVERY_MS) return;
    lastTypingSent = now;
    socket.emit("typing", { room: slug });
  });
}
