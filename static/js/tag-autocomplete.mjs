// Progressive enhancement for skill-tag fields: suggestions from existing tags while typing.
// Without JavaScript the field is a plain comma-separated text input and works the same.
// Other comma-separated fields use it too (the people a direct message goes to): their endpoint
// answers {suggestions: [{name, label}]}, where name goes in the field and label is what is shown,
// and data-list-label names the list for screen readers.
import { suggestionList } from "./combobox.mjs";

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

function enhance(wrapper) {
  const input = wrapper.querySelector("input");
  if (!input) return;
  const single = wrapper.dataset.single === "true";
  const suggestions = suggestionList(input, {
    id: `${input.id}-suggestions`,
    label: wrapper.dataset.listLabel || "Suggested skill tags",
    onChoose: (name) => applyChoice(input, name, single),
  });
  let timer = null;

  async function suggest() {
    const term = currentTerm(input, single);
    if (term.length < 1) return suggestions.close();
    const response = await fetch(`${wrapper.dataset.suggestUrl}?q=${encodeURIComponent(term)}`, { headers: { Accept: "application/json" } });
    if (!response.ok) return suggestions.close();
    if (currentTerm(input, single) !== term) return; // a newer keystroke has its own request
    const chosen = chosenNames(input, single);
    const body = await response.json();
    const tags = (body.suggestions ?? body.tags).filter((tag) => !chosen.has(tag.name.toLowerCase()));
    suggestions.show(tags.map((tag) => ({ value: tag.name, text: tag.label ?? tag.name })));
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, DEBOUNCE_MS);
  });
}

document.querySelectorAll('[data-module="civicnet-tag-autocomplete"]').forEach(enhance);
