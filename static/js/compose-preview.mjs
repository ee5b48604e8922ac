// Preview in a room's message box: the text as it will be stored, rendered by the server's own
// pipeline (rooms.preview calls what posting calls), shown below the box without leaving the page.
// Without JavaScript the Preview button posts the form to the same address, which answers with the
// room page showing the preview and the text kept in the box.

const form = document.getElementById("compose");
const textarea = form?.querySelector("textarea[name=body]");
const button = document.getElementById("preview-button");
const region = document.getElementById("preview");
if (textarea && button && region) enhance();

function enhance() {
  const body = document.getElementById("preview-body");
  const errorId = `${textarea.id}-error`; // the id rooms.mjs gives the box's error, so either clears it

  function describedBy(add) {
    const ids = new Set((textarea.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean));
    if (add) ids.add(errorId);
    else ids.delete(errorId);
    textarea.setAttribute("aria-describedby", [...ids].join(" "));
  }

  // As the form shows an error (GOV.UK's error message above the box), and as rooms.mjs does.
  function showError(text) {
    textarea.closest(".govuk-form-group")?.classList.add("govuk-form-group--error");
    textarea.classList.add("govuk-textarea--error");
    let error = document.getElementById(errorId);
    if (!error) {
      error = document.createElement("p");
      error.className = "govuk-error-message";
      error.id = errorId;
      textarea.before(error);
    }
    const hidden = document.createElement("span");
    hidden.className = "govuk-visually-hidden";
    hidden.textContent = "Error:";
    error.replaceChildren(hidden, ` ${text}`);
    describedBy(true);
    textarea.focus();
  }

  function clearError() {
    textarea.closest(".govuk-form-group")?.classList.remove("govuk-form-group--error");
    textarea.classList.remove("govuk-textarea--error");
    document.getElementById(errorId)?.remove();
    describedBy(false);
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
      response = await fetch(button.formAction, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } });
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
