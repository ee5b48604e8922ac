// "@" in a room's message box: people who can read the room, by name or username, offered in the same
// suggestion list as the skill-tag fields (combobox.mjs). Choosing one writes "@username " at the caret.
// The first suggestion is highlighted, as in Slack and Zulip, so Enter (or Tab) takes it; Enter sends
// the message only once the list is closed (Escape closes it).
// Without JavaScript members type the username themselves, as the box's hint says.
import { suggestionList } from "./combobox.mjs";

const DEBOUNCE_MS = 150;
// "@" and the start of a username, right before the caret, where a mention can begin: not inside a word,
// an email address or a link (as MENTION in civicnet/rooms/mentions.py).
const TYPED = /(?:^|[^\w@/.])@([A-Za-z0-9][A-Za-z0-9_-]{0,29})$/;

const form = document.getElementById("compose");
const textarea = form?.querySelector("textarea[name=body]");
if (form?.dataset.mentionsUrl && textarea) enhance(form.dataset.mentionsUrl, textarea);

// The mention being typed at the caret: its text after "@" and where its "@" is.
function typedMention(textarea) {
  if (textarea.selectionStart !== textarea.selectionEnd) return null;
  const match = TYPED.exec(textarea.value.slice(0, textarea.selectionStart));
  return match ? { term: match[1], at: textarea.selectionStart - match[1].length - 1 } : null;
}

function enhance(url, textarea) {
  let timer = null;

  function insert(username) {
    const typed = typedMention(textarea);
    if (!typed) return;
    textarea.setRangeText(`@${username} `, typed.at, textarea.selectionStart, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true })); // GOV.UK's character count, the preview
  }

  const suggestions = suggestionList(textarea, {
    id: "mention-suggestions",
    label: "People to mention",
    onChoose: insert,
    above: true,
    selectFirst: true,
  });

  async function suggest() {
    const term = typedMention(textarea)?.term;
    if (!term) return suggestions.close();
    let people;
    try {
      const response = await fetch(`${url}?q=${encodeURIComponent(term)}`, { headers: { Accept: "application/json" } });
      if (!response.ok) return suggestions.close();
      people = (await response.json()).people;
    } catch {
      return suggestions.close(); // offline, or signed out: the member types the username
    }
    if (typedMention(textarea)?.term !== term) return; // a newer keystroke has its own request
    suggestions.show(people.map((person) => ({ value: person.username, text: person.display_name, hint: `@${person.username}` })));
  }

  function update() {
    clearTimeout(timer);
    if (typedMention(textarea)) timer = setTimeout(suggest, DEBOUNCE_MS);
    else suggestions.close();
  }

  textarea.addEventListener("input", update);
  // The caret moved away from the mention, by a click or the keyboard (the list's own keys aside).
  textarea.addEventListener("click", update);
  textarea.addEventListener("keyup", (event) => {
    if (["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) update();
  });
}
