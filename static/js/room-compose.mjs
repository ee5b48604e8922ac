// Sending from a compose form over the shared socket: the message shows at once as "Sending…", is
// stored once however often it is sent (its client_id), and is given back with the reason if it
// cannot be. A form left to itself (no JavaScript, or the connection refused) posts as usual.

import { composeKeys } from "./compose-keys.mjs";
import { element, visuallyHidden } from "./room-messages.mjs";

const TYPING_SENT_EVERY_MS = 3000;
const RATE_LIMITED_RETRY_MS = 2500;

function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; getRandomValues does not.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

// The room's messages on their way, whichever form sent them: client_id -> entry.
export function pendingMessages(room) {
  const pending = new Map();
  return {
    pending,
    // A message of ours replaces its pending copy; true if it was one.
    settle(message) {
      const entry = message.author.username === room.me && message.client_id ? pending.get(message.client_id) : undefined;
      if (!entry) return false;
      pending.delete(entry.client_id);
      entry.element.remove();
      return true;
    },
    // Whatever was sent on an earlier connection and never answered goes again with the same
    // client_id, so the server stores it once even if the first attempt did arrive.
    resend() {
      pending.forEach((entry) => {
        if (entry.sentOn !== room.socket.id) entry.send();
      });
    },
    giveAllBack(reason) {
      pending.forEach((entry) => entry.giveBack(reason));
    },
  };
}

// A box's error message, as GOV.UK's error pattern draws it, read out when it appears.
export function fieldError(textarea, announce) {
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

  return { showError, clearError };
}

// list: where this form's pending copies go; replyTo: the message this form answers, if fixed.
// keySetting: whether this box carries the Enter setting (the page's main box) or follows it.
export function composer(room, form, { list, replyTo = null, keySetting = true, onSent = () => {} }) {
  const { slug, socket, view, stream } = room;
  const textarea = form.querySelector("textarea[name=body]");
  const replyInput = form.querySelector("input[name=reply_to]");
  const fileInput = form.querySelector("input[type=file][name=files]");
  let lastTypingSent = 0;

  const { showError, clearError } = fieldError(textarea, stream.announce);

  function setText(text) {
    textarea.value = text;
    textarea.dispatchEvent(new Event("input")); // let GOV.UK's character count catch up
  }

  // After a reply that quoted one of a thread's replies, the box answers the thread again.
  function endReply(replyToId) {
    const thread = form.dataset.thread;
    if (replyTo === null && replyInput && thread && replyInput.value === String(replyToId) && replyInput.value !== thread) {
      replyInput.value = thread;
      document.getElementById("replying-to")?.remove();
    }
  }

  function makeEntry(body) {
    const speaking = form.querySelector("input[name=speaking_for]:checked")?.value || null;
    const entry = {
      client_id: newClientId(),
      body,
      reply_to: replyTo ?? (Number(replyInput?.value) || null),
      speaking_for: speaking,
    };
    entry.send = () => emitSend(entry);
    // Give a message that cannot be sent back to its writer, with the reason.
    entry.giveBack = (reason) => {
      if (!room.pending.pending.delete(entry.client_id)) return;
      entry.element.remove();
      stream.updateEmptyState();
      setText(textarea.value.trim() ? `${entry.body}\n\n${textarea.value}` : entry.body);
      if (entry.files.length && fileInput && !fileInput.files.length) {
        const chosen = new DataTransfer(); // the files go back into the form too
        entry.files.forEach((file) => chosen.items.add(file));
        fileInput.files = chosen.files;
      }
      showError(reason);
    };
    return entry;
  }

  function sent(entry, ack) {
    if (ack?.ok) {
      if (room.pending.pending.has(entry.client_id)) stream.receiveAll([ack.message]);
      endReply(entry.reply_to);
      onSent(ack.message);
    } else if (ack?.error?.code === "rate_limited" && room.pending.pending.has(entry.client_id)) {
      // Typical after a long time offline with several messages queued: they go a little later.
      setTimeout(() => emitSend(entry), RATE_LIMITED_RETRY_MS);
    } else {
      entry.giveBack(ack?.error?.message || "Your message could not be sent. Try again");
    }
  }

  function emitSend(entry) {
    // While disconnected, leave it pending: the next join sends it once the connection is back. A
    // message whose files are still uploading goes when they are up.
    if (!socket.connected || (entry.files.length && !entry.attachments)) return;
    const { client_id, body, reply_to, speaking_for, attachments } = entry;
    entry.sentOn = socket.id;
    const fields = { room: slug, body, client_id, reply_to, speaking_for, attachments: attachments || null };
    socket.emit("send_message", fields, (ack) => sent(entry, ack));
  }

  // Each chosen file goes up on its own (POST, JSON back); the message then names their ids.
  async function upload(files) {
    const csrf = form.querySelector("input[name=csrf_token]")?.value || "";
    const ids = [];
    for (const file of files) {
      const data = new FormData();
      data.append("file", file);
      let answer = null;
      let response = null;
      try {
        response = await fetch(form.dataset.uploadUrl, {
          method: "POST",
          body: data,
          headers: { Accept: "application/json", "X-CSRFToken": csrf },
          credentials: "same-origin",
        });
        answer = await response.json();
      } catch {
        answer = null;
      }
      if (!response?.ok || !answer?.attachment) {
        throw new Error(answer?.error?.message || `“${file.name}” could not be uploaded. Try again`);
      }
      ids.push(answer.attachment.id);
    }
    return ids;
  }

  function send() {
    const body = textarea.value;
    const files = fileInput ? [...fileInput.files] : [];
    textarea.focus({ preventScroll: true });
    if (!body.trim() && !files.length) {
      showError("Enter a message");
      return;
    }
    clearError();
    const entry = makeEntry(body);
    entry.files = files;
    entry.element = view.renderPending(entry);
    room.pending.pending.set(entry.client_id, entry);
    const wasNearBottom = stream.nearBottom();
    list.append(entry.element);
    stream.updateEmptyState();
    if (replyTo === null) stream.keepAtBottom(wasNearBottom);
    setText("");
    lastTypingSent = 0;
    if (!files.length) {
      emitSend(entry);
      return;
    }
    fileInput.value = "";
    upload(files).then(
      (ids) => {
        entry.attachments = ids;
        emitSend(entry);
      },
      (error) => entry.giveBack(error.message),
    );
  }

  form.addEventListener("submit", (event) => {
    if (room.refused) return; // post the form, as without JavaScript
    event.preventDefault();
    send();
  });

  composeKeys(form, textarea, { setting: keySetting }); // Enter sends, or starts a new line by the member's choice

  textarea.addEventListener("input", (event) => {
    const now = Date.now();
    if (!event.isTrusted || !textarea.value.trim() || !socket.connected) return;
    if (now - lastTypingSent < TYPING_SENT_EVERY_MS) return;
    lastTypingSent = now;
    socket.emit("typing", { room: slug });
  });

  return { textarea, clearError, showError };
}
