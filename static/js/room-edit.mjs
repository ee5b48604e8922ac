// Editing one's own message where it is: "Edit" puts the message's text in a box in its place;
// saving (or Enter, as in the compose box) sends it live, Escape or Cancel puts the message back,
// and the keyboard returns to the message's "Edit" link either way. The page does not move.
// Without JavaScript, or while disconnected, "Edit" opens the edit page instead.

import { composeKeys } from "./compose-keys.mjs";
import { fieldError } from "./room-compose.mjs";

export function roomEdit(room) {
  const { socket, view, stream } = room;
  const template = document.getElementById("edit-template");
  const latest = new Map(); // message id -> an edit that arrived while its box was open

  function editLink(item) {
    return item.querySelector(":scope > [data-part=actions] [data-part=edit] a");
  }

  // Back to the message as the server has it now, with the keyboard on its Edit link.
  function finish(item, message) {
    delete item.dataset.editing;
    const fresh = message || latest.get(Number(item.dataset.id));
    latest.delete(Number(item.dataset.id));
    item.querySelector(":scope > .civicnet-message__edit")?.remove();
    item.querySelector(":scope > [data-part=body]").hidden = false;
    item.querySelector(":scope > [data-part=actions]").hidden = false;
    if (fresh) stream.replace(item, view.render(fresh));
    const current = document.getElementById(item.id);
    editLink(current)?.focus({ preventScroll: true });
  }

  async function start(item) {
    const id = Number(item.dataset.id);
    let ack;
    try {
      ack = await socket.timeout(10000).emitWithAck("message_source", { id });
    } catch {
      ack = null;
    }
    if (!ack?.ok) return false;
    const form = template.content.firstElementChild.cloneNode(true);
    const textarea = form.querySelector("textarea");
    textarea.id = `edit-${id}`;
    form.querySelector("label").htmlFor = textarea.id;
    textarea.value = ack.body;
    const body = item.querySelector(":scope > [data-part=body]");
    body.hidden = true;
    item.querySelector(":scope > [data-part=actions]").hidden = true;
    body.after(form);
    item.dataset.editing = "true";
    const { showError, clearError } = fieldError(textarea, stream.announce);
    composeKeys(form, textarea, { setting: false });
    textarea.focus({ preventScroll: true });

    form.querySelector("[data-action=cancel]").addEventListener("click", () => finish(item));
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") finish(item);
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!textarea.value.trim()) {
        showError("Enter a message");
        return;
      }
      clearError();
      let saved;
      try {
        saved = await socket.timeout(10000).emitWithAck("edit_message", { id, body: textarea.value });
      } catch {
        saved = { ok: false, error: { message: "Your change was not saved: the connection dropped. Try again" } };
      }
      if (saved.ok) {
        finish(item, saved.message);
        stream.announce("Your message is saved");
      } else {
        showError(saved.error?.message || "Your change was not saved. Try again");
      }
    });
    return true;
  }

  // An edit from elsewhere (another tab) while the box is open waits until it closes.
  stream.listeners.editedWhileEditing = (item, message) => latest.set(message.id, message);

  document.addEventListener("click", async (event) => {
    const link = event.target.closest("[data-part=edit] a");
    const item = link?.closest("li.civicnet-message");
    if (!item || item.dataset.editing || room.refused || !socket.connected) return; // the edit page
    event.preventDefault();
    if (!(await start(item))) window.location.assign(link.href);
  });
}
