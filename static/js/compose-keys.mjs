// The compose box's keys, as in Slack and Zulip: Enter sends and Shift+Enter starts a new line, or,
// for people who write longer messages, Enter starts a new line and Ctrl+Enter (Cmd+Enter) sends.
// The choice is a checkbox under the box, kept in this browser. Ctrl+Enter sends either way.
import { element } from "./room-messages.mjs";

const KEY = "civicnet.enterAddsLine";

// Unless the member chose: on a touch screen Enter starts a new line (its keyboard has no Shift+Enter
// to speak of, and a Send button is a thumb away), elsewhere Enter sends.
function stored() {
  const touch = window.matchMedia("(pointer: coarse)").matches;
  try {
    const chosen = window.localStorage.getItem(KEY);
    return chosen === null ? touch : chosen === "true";
  } catch {
    return touch; // storage blocked: the default
  }
}

function store(value) {
  try {
    window.localStorage.setItem(KEY, String(value));
  } catch {
    // storage blocked: the choice lasts as long as the page
  }
}

// The page's main box carries the setting; smaller boxes (a thread's) follow it.
export function composeKeys(form, textarea, { setting = true } = {}) {
  let enterAddsLine = stored();

  textarea.addEventListener("keydown", (event) => {
    // defaultPrevented: the key chose a suggestion from the open "@" list (combobox.mjs), not a send.
    if (event.key !== "Enter" || event.isComposing || event.defaultPrevented) return;
    if (!setting) enterAddsLine = stored();
    const modified = event.ctrlKey || event.metaKey;
    if (modified || (!enterAddsLine && !event.shiftKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  if (!setting) return;

  const hint = element("p", "govuk-hint govuk-!-margin-bottom-1 civicnet-compose-keys");
  hint.id = "compose-keys";
  const box = element("div", "govuk-checkboxes govuk-checkboxes--small");
  const item = element("div", "govuk-checkboxes__item");
  const input = element("input", "govuk-checkboxes__input");
  input.type = "checkbox";
  input.id = "enter-adds-line";
  input.checked = enterAddsLine;
  const label = element("label", "govuk-label govuk-checkboxes__label", "Enter starts a new line");
  label.htmlFor = input.id;
  item.append(input, label);
  box.append(item);

  function describe() {
    hint.textContent = enterAddsLine
      ? "Enter starts a new line; Ctrl+Enter sends."
      : "Enter sends; Shift+Enter starts a new line.";
  }
  describe();
  textarea.setAttribute("aria-describedby", [textarea.getAttribute("aria-describedby"), hint.id].filter(Boolean).join(" "));
  textarea.closest(".govuk-form-group")?.append(hint);
  form.append(box); // after the Send button, which stays the next Tab stop from the box

  input.addEventListener("change", () => {
    enterAddsLine = input.checked;
    store(enterAddsLine);
    describe();
  });
}
