// The room's list of messages: where a message goes, what an edit or a deletion does to it, what is
// read out, what counts as read, and the "New messages" line for messages that arrive while the
// member is away (another tab, or reading further up).

import { element, plainText } from "./room-messages.mjs";

const ANNOUNCED_KEPT = 5;

export function roomStream(room) {
  const { slug, me, list, socket, view } = room;
  const noMessages = document.getElementById("no-messages");
  const announcer = document.getElementById("announcer");
  // The newest message in the room when the page was drawn, a reply in a thread perhaps.
  const drawnUpTo = Number(room.root.dataset.lastId) || 0;
  let lastId = Math.max(drawnUpTo, ...Array.from(list.querySelectorAll("li[data-id]"), (li) => Number(li.dataset.id)));
  let lastAuthor = null; // of the message lastId names, once one has arrived
  let lastRead = room.readingBack ? Infinity : lastId; // the server marked the page read when it rendered it
  let seenUpTo = lastId; // the newest message the member had in view
  const listeners = { added: [], caughtUp: [] }; // caughtUp: each join_room ack, once room-sync applied it

  function placeMessage(item, id) {
    // Real messages in id order, then the ones still being sent.
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
    if (wasNearBottom) (document.getElementById("compose") || list.lastElementChild || list).scrollIntoView({ block: "nearest" });
  }

  function announce(text) {
    announcer.append(element("p", "", text));
    while (announcer.children.length > ANNOUNCED_KEPT) announcer.firstElementChild.remove();
  }

  // Away: the page is in a background tab, or the member is reading further up. The first message
  // from someone else that arrives then gets the "New messages" line before it, replacing an older
  // line, unless a line already marks unseen messages.
  function markUnseen(item, id) {
    const marker = document.getElementById("first-unread");
    const markerStillUnseen = marker && Number(marker.nextElementSibling?.dataset.id) > seenUpTo;
    if (markerStillUnseen) return;
    marker?.remove();
    const line = element("li", "civicnet-unread-marker");
    line.id = "first-unread";
    line.tabIndex = -1;
    line.append(element("span", "", "New messages"));
    item.before(line);
    listeners.unseen?.(id);
  }

  // This list's messages: a thread's replies on its page; elsewhere the messages that start a
  // thread or stand alone (replies go to their thread, room-threads.mjs).
  function belongsHere(message) {
    return room.thread ? message.thread_root === room.thread : !message.thread_root;
  }

  // Add a message unless it is already on the page. Returns true if it was new to this list.
  function receive(message) {
    if (message.room !== slug) return false;
    if (message.id > lastId) [lastId, lastAuthor] = [message.id, message.author.username];
    const wasPending = room.settlePending(message); // one of ours: it replaces its "Sending…" copy
    if (!belongsHere(message)) {
      if (!room.thread) room.threads?.receiveReply(message, message.id > drawnUpTo);
      return false;
    }
    if (document.getElementById(`message-${message.id}`) || (room.readingBack && !wasPending)) {
      updateEmptyState();
      return false;
    }
    const item = view.render(message);
    placeMessage(item, message.id);
    listeners.added.forEach((listener) => listener(message, item));
    updateEmptyState();
    return true;
  }

  function receiveAll(messages) {
    const wasNearBottom = nearBottom();
    const away = document.visibilityState !== "visible" || !wasNearBottom;
    const added = messages.filter(receive);
    const fromOthers = added.filter((m) => m.author.username !== me);
    if (away && fromOthers.length) {
      const first = fromOthers[0];
      markUnseen(document.getElementById(`message-${first.id}`), first.id);
    }
    if (fromOthers.length > 3) announce(`${fromOthers.length} new messages`);
    else fromOthers.forEach((m) => announce(`${m.author.display_name}: ${plainText(m)}`));
    if (added.length) keepAtBottom(wasNearBottom);
    if (!away) seenUpTo = lastId;
    markRead();
  }

  function markRead() {
    if (document.visibilityState !== "visible" || !socket.connected || lastId <= lastRead) return;
    lastRead = lastId;
    // The server already marked our own latest message read when it stored it.
    if (lastAuthor !== me) socket.emit("mark_read", { room: slug, message_id: lastId });
  }

  // A message redrawn whole keeps the keyboard where it was: on the same action of the new copy.
  // An open thread and the count of replies go over to the new copy.
  function replace(item, fresh) {
    const focused = item.contains(document.activeElement) ? document.activeElement.closest("[data-part]") : null;
    if (item.dataset.replies) view.showReplies(fresh, Number(item.dataset.replies));
    const thread = item.querySelector(":scope > .civicnet-thread");
    if (thread) fresh.append(thread);
    item.replaceWith(fresh);
    if (focused) fresh.querySelector(`[data-part="${focused.dataset.part}"] a, [data-part="${focused.dataset.part}"] button`)?.focus();
  }

  // An edit, or a moderator's decision: the message is drawn again from the server's copy, and one
  // that comes back (restored, or approved after being held) takes its place by id.
  function applyEdit(message) {
    if (message.room !== slug) return;
    const item = document.getElementById(`message-${message.id}`);
    if (item && item.dataset.editing) return listeners.editedWhileEditing?.(item, message);
    if (item) replace(item, view.render(message));
    else if (!room.readingBack && belongsHere(message) && message.id <= lastId && !message.hidden) {
      placeMessage(view.render(message), message.id);
    }
    updateEmptyState();
  }

  function applyDelete({ id, room: roomSlug, thread_root: threadRoot }) {
    if (roomSlug !== slug) return;
    if (threadRoot && !room.thread) room.threads?.replyGone(threadRoot, id);
    const item = document.getElementById(`message-${id}`);
    // A thread's first message keeps its place while its replies remain (on a thread's page, always).
    if (item && (Number(item.dataset.replies) > 0 || (room.thread && Number(id) === room.thread))) view.markDeleted(item);
    else item?.remove();
    updateEmptyState();
  }

  socket.on("message_posted", (message) => receiveAll([message]));
  socket.on("message_edited", applyEdit);
  socket.on("message_deleted", applyDelete);
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

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && nearBottom()) seenUpTo = lastId;
    markRead();
  });
  window.addEventListener("scroll", () => {
    if (document.visibilityState === "visible" && nearBottom()) seenUpTo = lastId;
  }, { passive: true });

  return {
    receiveAll,
    applyEdit,
    applyDelete,
    announce,
    updateEmptyState,
    nearBottom,
    keepAtBottom,
    listeners,
    replace,
    lastId: () => lastId,
  };
}
