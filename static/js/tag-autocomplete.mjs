// Progressive enhancement for skill-tag fields: suggestions from existing tags while typing.
// Without JavaScript the field is a plain comma-separated text input and works the same.
// Other comma-separated fields use it too (the people a direct message goes to): their endpoint
// answers {suggestions: [{name, label}]}, where name goes in the field and label is what is shown,
// and data-list-label names the list for screen readers.

const DEBOUNCE_MS = 150;

function currentTerm(input, single) {
  if (single) return input.value.trim();
  const parts = input.value.split(",");
  return parts[parts.length - 1].trim();
}

// Names already in a comma-separated field, other than the one being typed, lower-cased.
function chosenNames(input, single) {
  if (single) return new Set();
  return new Set(input.value.split(",").slice(0, -1).map((part) => part.trim().toLowerCase()));
}

function applyChoice(input, name, single) {
  if (single) {
    input.value = name;
    return;
  }
  const parts = input.value.split(",").map((part) => part.trim());
  parts[parts.length - 1] = name;
  input.value = parts.filter(Boolean).join(", ") + ", ";
}

function enhance(wrapper, index) {
  const input = wrapper.querySelector("input");
  if (!input) return;
  const single = wrapper.dataset.single === "true";
  const listId = `${input.id}-suggestions`;
  const list = document.createElement("ul");
  list.id = listId;
  list.className = "civicnet-autocomplete__listbox";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", wrapper.dataset.listLabel || "Suggested skill tags");
  list.hidden = true;
  const status = document.createElement("div");
  status.className = "govuk-visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");

  const box = document.createElement("div");
  box.className = "civicnet-autocomplete";
  input.parentNode.insertBefore(box, input);
  box.append(input, list, status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);

  let options = [];
  let active = -1;
  let timer = null;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(next) {
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === next)));
    active = next;
    if (next >= 0) input.setAttribute("aria-activedescendant", options[next].id);
  }

  function choose(i) {
    applyChoice(input, options[i].dataset.name, single);
    close();
    input.focus();
  }

  async function suggest() {
    const term = currentTerm(input, single);
    if (term.length < 1) return close();
    const response = await fetch(`${wrapper.dataset.suggestUrl}?q=${encodeURIComponent(term)}`, { headers: { Accept: "application/json" } });
    if (!response.ok) return close();
    if (currentTerm(input, single) !== term) return; // a newer keystroke has its own request
    const chosen = chosenNames(input, single);
    const body = await response.json();
    const tags = (body.suggestions ?? body.tags).filter((tag) => !chosen.has(tag.name.toLowerCase()));
    list.replaceChildren();
    options = tags.map((tag, i) => {
      const option = document.createElement("li");
      option.id = `${listId}-${i}`;
      option.className = "civicnet-autocomplete__option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.name = tag.name;
      option.textContent = tag.label ?? tag.name;
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(i);
      });
      list.append(option);
      return option;
    });
    status.textContent = options.length === 1 ? "1 suggestion available" : options.length ? `${options.length} suggestions available` : "";
    if (!options.length) return close();
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((active + 1) % options.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight((active - 1 + options.length) % options.length);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", close);
}

document.querySelectorAll('[data-module="civicnet-tag-autocomplete"]').forEach(enhance);
