// A list of suggestions under a text field, in the ARIA combobox pattern: focus stays in the field,
// the arrow keys move through the options (aria-activedescendant), Enter or Tab chooses the highlighted
// one, Escape closes the list, and a polite status says how many there are. The skill-tag fields
// (tag-autocomplete.mjs) and the room's message box (mention-autocomplete.mjs) each say what to
// suggest and what choosing does.

// The field's own listeners for these keys must not act on a key the list used: they are heard in the
// capture phase, before the field's other keydown listeners, and marked with preventDefault()
// (compose-keys.mjs leaves such an Enter alone rather than sending the message).
const CAPTURE = { capture: true };

// Shift+Enter (a new line), Ctrl+Enter (send) and Shift+Tab (back) keep their usual meaning.
function modified(event) {
  return event.shiftKey || event.ctrlKey || event.metaKey || event.altKey;
}

// items: [{value, text, hint?}]; onChoose(value) is called with the chosen item's value.
// above: open the list above the field (a box at the foot of the page); selectFirst: highlight the first.
export function suggestionList(field, { id, label, onChoose, above = false, selectFirst = false }) {
  const list = document.createElement("ul");
  list.id = id;
  list.className = "civicnet-autocomplete__listbox";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", label);
  list.hidden = true;
  const status = document.createElement("div");
  status.className = "govuk-visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");

  const box = document.createElement("div");
  box.className = above ? "civicnet-autocomplete civicnet-autocomplete--above" : "civicnet-autocomplete";
  field.parentNode.insertBefore(box, field);
  box.append(field, list, status);
  // A one-line input becomes a combobox. A textarea keeps its multi-line textbox role (HTML allows it no
  // other) and points at the list in the same way, as GitHub's comment box does.
  const combobox = field.localName === "input";
  if (combobox) {
    field.setAttribute("role", "combobox");
    field.setAttribute("aria-expanded", "false");
  }
  field.setAttribute("aria-autocomplete", "list");
  field.setAttribute("aria-controls", id);

  let options = [];
  let active = -1;

  function close() {
    list.hidden = true;
    if (combobox) field.setAttribute("aria-expanded", "false");
    field.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(next) {
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === next)));
    active = next;
    if (next >= 0) {
      field.setAttribute("aria-activedescendant", options[next].id);
      options[next].scrollIntoView({ block: "nearest" });
    }
  }

  function choose(i) {
    const { value } = options[i].dataset;
    close();
    field.focus();
    onChoose(value);
  }

  function option(item, i) {
    const node = document.createElement("li");
    node.id = `${id}-${i}`;
    node.className = "civicnet-autocomplete__option";
    node.setAttribute("role", "option");
    node.setAttribute("aria-selected", "false");
    node.dataset.value = item.value;
    node.textContent = item.text;
    if (item.hint) {
      const hint = document.createElement("span");
      hint.className = "civicnet-autocomplete__hint";
      hint.textContent = item.hint;
      node.append(" ", hint);
    }
    node.addEventListener("mousedown", (event) => {
      event.preventDefault(); // keep focus (and the caret) in the field
      choose(i);
    });
    return node;
  }

  function show(items) {
    options = items.map(option);
    list.replaceChildren(...options);
    const count = options.length;
    status.textContent = count === 1 ? "1 suggestion available" : count ? `${count} suggestions available` : "";
    if (!count) return close();
    list.hidden = false;
    if (combobox) field.setAttribute("aria-expanded", "true");
    active = -1;
    if (selectFirst) highlight(0);
  }

  field.addEventListener("keydown", (event) => {
    if (list.hidden || event.isComposing) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((active + 1) % options.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight((active - 1 + options.length) % options.length);
    } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0 && !modified(event)) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  }, CAPTURE);
  field.addEventListener("blur", close);

  return { show, close };
}
