// Preview in a room's message box: the text as it will be stored, rendered by the server's own
// pipeline (rooms.preview calls what posting calls), shown below the box without leaving the page.
// Without JavaScript the Preview button posts the form to the same address, which answers with the
// room page showing the preview and the text kept in the box.

import { fieldError } from "./room-compose.mjs";

const form = document.getElementById("compose");
const textarea = form?.querySelector("textarea[name=body]");
const button = document.getElementById("preview-button");
const region = document.getElementById("preview");
if (textarea && button && region) enhance();

function enhance() {
  const body = document.getElementById("preview-body");
  // As the form shows an error (GOV.UK's error message above the box), and as the room's box does;
  // focus on the box reads it out (aria-describedby), so nothing is announced besides.
  const field = fieldError(textarea, () => {});
  const clearError = field.clearError;

  function showError(text) {
    field.showError(text);
    textarea.focus();
  }

  function hide() {
    region.hidden = true;
    body.replaceChildren();
  }

  async function preview() {
    const text = textarea.value;
    let response;
    let answer = null;
    try {
      const fields = new FormData(form);
      fields.delete("files"); // the text is what is previewed: the chosen files stay in the form, unsent
      response = await fetch(button.formAction, { method: "POST", body: fields, headers: { Accept: "application/json" } });
      answer = await response.json();
    } catch {
      // offline, or an answer that is not JSON (signed out: the sign-in page)
    }
    if (textarea.value !== text) return; // typed on meanwhile: this preview is already out of date
    if (!response?.ok || typeof answer?.html !== "string") {
      hide();
      showError(answer?.error?.message || "The preview could not be shown. Check your connection and try again");
      return;
    }
    clearError();
    body.innerHTML = answer.html; // cleaned server-side by sanitize_html, like the stored message
    region.hidden = false;
    region.focus(); // its heading, "Preview", is read out; "Edit your message" leads back to the box
  }

  // Handled on click, so the form is not submitted: rooms.mjs would send the message.
  button.addEventListener("click", (event) => {
    event.preventDefault();
    preview();
  });
  document.getElementById("preview-edit")?.addEventListener("click", (event) => {
    event.preventDefault();
    textarea.focus();
  });
  // A preview shows the text as it was: once the text changes (or is sent), it goes.
  textarea.addEventListener("input", () => {
    if (!region.hidden) hide();
  });
}
