// Threads on a room's page: "3 replies" and "Reply" open the thread under its first message, with
// its replies and a box to answer in, without leaving the page or losing its place; replies arrive
// live there, and the count under each message follows. Without JavaScript (or before the page is
// connected) both links lead to the thread's own page.
// On a thread's own page, "Reply" under a reply quotes it in the page's box.

import { composer } from "./room-compose.mjs";

const EXCERPT_LENGTH = 140;

export function roomThreads(room) {
  const { slug, socket, list, view, stream } = room;
  const template = document.getElementById("thread-template");
  const counted = new Set(); // replies counted since the page was drawn

  function parentOf(rootId) {
    const item = document.getElementById(`message-${rootId}`);
    return item?.parentElement === list ? item : null;
  }

  function panelOf(item) {
    return item.querySelector(":scope > .civicnet-thread");
  }

  function threadLink(item) {
    return item.querySelector(":scope > [data-part=thread] a");
  }

  function placeReply(panel, message) {
    const replies = panel.querySelector(".civicnet-thread__replies");
    if (document.getElementById(`message-${message.id}`)) return false;
    const item = view.render(message);
    const later = [...replies.children].find((other) => !other.dataset.id || Number(other.dataset.id) > message.id);
    replies.insertBefore(item, later || null);
    panel.querySelector(".civicnet-thread__empty").hidden = true;
    return true;
  }

  function close(item, focusOn) {
    panelOf(item)?.remove();
    threadLink(item)?.setAttribute("aria-expanded", "false");
    focusOn?.focus({ preventScroll: true });
  }

  async function open(item, { focusBox }) {
    const rootId = Number(item.dataset.id);
    const panel = template.content.firstElementChild.cloneNode(true);
    const form = panel.querySelector("form");
    const textarea = form.querySelector("textarea"); // none for those who can read but not post
    if (textarea) {
      textarea.id = `thread-reply-${rootId}`;
      form.querySelector("label").htmlFor = textarea.id;
    }
    form.querySelector("input[name=thread]").value = rootId;
    form.querySelector("input[name=reply_to]").value = rootId;
    const name = item.querySelector("[data-slot=author]")?.textContent || "";
    panel.querySelectorAll("[data-slot=author-name]").forEach((node) => { node.textContent = name; });
    panel.setAttribute("aria-label", `Thread: replies to ${name}`);
    item.append(panel);
    threadLink(item)?.setAttribute("aria-expanded", "true");
    if (textarea) composer(room, form, { list: panel.querySelector(".civicnet-thread__replies"), replyTo: rootId, keySetting: false });
    panel.querySelector("[data-action=close]").addEventListener("click", () => close(item, threadLink(item) || item.querySelector("[data-part=reply] a")));
    if (focusBox) (textarea || panel.querySelector("[data-action=close]")).focus({ preventScroll: true });
    let ack;
    try {
      ack = await socket.timeout(10000).emitWithAck("open_thread", { room: slug, id: rootId });
    } catch {
      ack = null;
    }
    if (!ack?.ok) {
      panel.querySelector(".civicnet-thread__empty").textContent = "The replies could not be loaded. Open the thread's page to read them.";
      return;
    }
    ack.messages.forEach((message) => placeReply(panel, message));
    view.showReplies(item, Math.max(ack.messages.length, Number(item.dataset.replies) || 0));
  }

  list.querySelectorAll(":scope > li > [data-part=thread] a").forEach((link) => link.setAttribute("aria-expanded", "false"));

  // On a room's page: open or close a thread under its first message.
  list.addEventListener("click", (event) => {
    const link = event.target.closest("a");
    const part = link?.closest("[data-part]");
    const item = part?.closest("li.civicnet-message");
    if (!item || room.refused || !socket.connected) return; // follow the link to the thread's page
    const top = item.parentElement === list ? item : null;
    if (part.dataset.part === "thread" && top) {
      event.preventDefault();
      if (panelOf(top)) close(top, link);
      else open(top, { focusBox: false });
    } else if (part.dataset.part === "reply") {
      // A reply's Reply answers in its thread's box; a message's own opens its thread.
      const parent = top || item.closest(".civicnet-thread")?.parentElement;
      if (!parent) return;
      event.preventDefault();
      const panel = panelOf(parent);
      if (panel) panel.querySelector("textarea")?.focus({ preventScroll: true });
      else open(parent, { focusBox: true });
    }
  });

  return {
    // A reply that has just arrived (live, or in a catch-up): counted once, and shown if its thread is open.
    receiveReply(message, isNew) {
      const item = parentOf(message.thread_root);
      if (!item) return;
      const panel = panelOf(item);
      const placed = panel ? placeReply(panel, message) : false;
      if (isNew && !counted.has(message.id) && !message.hidden) {
        counted.add(message.id);
        view.showReplies(item, (Number(item.dataset.replies) || 0) + 1);
        if (message.author.username !== room.me) {
          stream.announce(`${message.author.display_name} replied to ${item.querySelector("[data-slot=author]")?.textContent}`);
        }
      } else if (placed && !item.dataset.replies) {
        view.showReplies(item, 1);
      }
    },
    replyGone(rootId) {
      const item = parentOf(rootId);
      if (item?.dataset.replies) view.showReplies(item, Math.max(0, Number(item.dataset.replies) - 1));
    },
  };
}

// On a thread's own page: "Reply" under a reply quotes it in the box below, without a reload.
export function threadPageReplies(room, form) {
  const replyInput = form.querySelector("input[name=reply_to]");
  const textarea = form.querySelector("textarea[name=body]");
  const quoteTemplate = document.getElementById("replying-to-template");
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-part=reply] a");
    const item = link?.closest("li.civicnet-message");
    if (!item || room.refused) return;
    event.preventDefault();
    document.getElementById("replying-to")?.remove();
    replyInput.value = item.dataset.id;
    if (item.dataset.id !== form.dataset.thread && quoteTemplate) {
      const quote = quoteTemplate.content.firstElementChild.cloneNode(true);
      const text = (item.querySelector("[data-slot=body]")?.textContent || "").replace(/\s+/g, " ").trim();
      quote.querySelector("[data-slot=author-name]").textContent = item.querySelector("[data-slot=author]")?.textContent || "";
      quote.querySelector("[data-slot=excerpt]").textContent = text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH - 1)}…` : text;
      quote.querySelector("a").addEventListener("click", (cancel) => {
        cancel.preventDefault();
        quote.remove();
        replyInput.value = form.dataset.thread;
        textarea.focus();
      });
      document.getElementById("offline").before(quote);
    }
    textarea.focus();
  });
}
