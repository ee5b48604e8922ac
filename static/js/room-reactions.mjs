// Reactions under each message (civicnet.rooms.reactions). Pressing one sends it over the shared
// socket instead of posting its form, and every page showing the message updates its counts and names
// as `reactions_changed` arrives, with the keyboard left where it was. An emoji chosen for the first
// time is cloned from the page's <template id="message-template">, as live messages are: no markup is
// written here. Without JavaScript, or once the server has turned the connection away, the buttons
// post their form.

const MAX_NAMED = 10; // as civicnet.rooms.reactions

// As civicnet.rooms.reactions.label: "thumbs up: 3 reactions from Ada Lovelace, Grace Hopper and you".
export function label(name, people, me) {
  if (!people.length) return `${name}: no reactions`;
  const others = people.filter((person) => person.username !== me).map((person) => person.display_name);
  const named = others.slice(0, MAX_NAMED);
  const rest = others.length - MAX_NAMED;
  if (rest > 0) named.push(`${rest} other${rest === 1 ? "" : "s"}`);
  if (others.length < people.length) named.push("you");
  const who = named.length === 1 ? named[0] : `${named.slice(0, -1).join(", ")} and ${named.at(-1)}`;
  return `${name}: ${people.length} reaction${people.length === 1 ? "" : "s"} from ${who}`;
}

export function roomReactions(room) {
  const { socket, slug, me, list, view, stream } = room;
  const prototype = document.getElementById("message-template")?.content.querySelector("[data-part=reactions]");
  if (!prototype) return;
  const choices = Array.from(prototype.querySelectorAll(".civicnet-reactions__picker button"));
  const order = choices.map((button) => button.value);
  const names = Object.fromEntries(choices.map((button) => [button.value, button.querySelector(".govuk-visually-hidden").textContent]));

  const mine = (people) => people.some((person) => person.username === me);
  const canReact = (block) => Boolean(block.querySelector("[data-part=react]"));

  function press(button, on) {
    button.setAttribute("aria-pressed", String(on));
    button.name = on ? "remove" : "add"; // what the form says if it is posted after all
  }

  function show(pill, key, people) {
    pill.querySelector(".civicnet-reaction__count").textContent = String(people.length);
    pill.querySelector(".civicnet-reaction__who").textContent = label(names[key], people, me);
    const button = pill.querySelector("button");
    if (button) press(button, mine(people));
  }

  function newPill(block, key) {
    const part = canReact(block) ? "react" : "reactions-read";
    return prototype.querySelector(`[data-part="${part}"] li[data-emoji="${key}"]`).cloneNode(true);
  }

  function place(pills, pill, key) {
    const later = order.slice(order.indexOf(key) + 1);
    const next = Array.from(pills.children).find((other) => later.includes(other.dataset.emoji));
    pills.insertBefore(pill, next || null);
  }

  // An emoji nobody has chosen any more leaves, unless the keyboard is on it (the member has just
  // taken their own away): then it stays, at 0, until focus moves on.
  function leave(pills, pill) {
    if (!pill.contains(document.activeElement)) {
      pill.remove();
      return;
    }
    pill.addEventListener("focusout", () => {
      if (pill.querySelector(".civicnet-reaction__count").textContent === "0") pill.remove();
      pills.hidden = pills.children.length === 0;
    }, { once: true });
  }

  // Draw a message's reactions: `reactions` is a payload's list, every emoji someone chose.
  function apply(block, reactions) {
    const chosen = new Map(reactions.map((reaction) => [reaction.emoji, reaction.people]));
    const pills = block.querySelector(".civicnet-reactions__list");
    for (const key of order) {
      const people = chosen.get(key) || [];
      let pill = pills.querySelector(`li[data-emoji="${key}"]`);
      if (!pill && people.length) {
        pill = newPill(block, key);
        place(pills, pill, key);
      }
      if (pill) show(pill, key, people);
      if (pill && !people.length) leave(pills, pill);
      const choice = block.querySelector(`.civicnet-reactions__picker button[value="${key}"]`);
      if (choice) press(choice, mine(people));
    }
    pills.hidden = pills.children.length === 0;
    block.querySelector(".civicnet-reactions__error")?.remove();
  }

  function update(payload) {
    if (payload?.room !== slug) return;
    const block = document.querySelector(`#message-${payload.id} [data-part=reactions]`);
    if (block) apply(block, payload.reactions);
  }

  function showError(block, text) {
    block.querySelector(".civicnet-reactions__error")?.remove();
    const error = prototype.querySelector(".civicnet-reactions__error").cloneNode(true);
    error.querySelector("[data-slot=error]").textContent = text;
    error.hidden = false;
    block.append(error);
    stream.announce(text);
  }

  // A message drawn again (edited, hidden, restored) keeps the reactions it shows, the very buttons
  // included, so that the keyboard stays on the one it was on. A new message starts with none.
  view.decorators.push((item, message) => {
    const fresh = item.querySelector("[data-part=reactions]");
    if (!fresh) return;
    const shown = document.querySelector(`#message-${message.id} [data-part=reactions]`);
    if (!shown || canReact(shown) !== canReact(fresh)) {
      apply(fresh, []);
      return;
    }
    const focused = shown.contains(document.activeElement) ? document.activeElement : null;
    fresh.replaceWith(shown);
    if (focused) queueMicrotask(() => focused.focus()); // after room-stream has swapped the message
  });

  // The whole set closes once an emoji is chosen from it (as Slack's picker does), or on Escape, and
  // the keyboard goes back to its "React" toggle.
  function closePicker(inside) {
    const picker = inside.closest?.(".civicnet-reactions__add[open]");
    if (!picker) return;
    picker.open = false;
    picker.querySelector("summary").focus();
  }

  list.addEventListener("submit", (event) => {
    const form = event.target;
    const button = event.submitter;
    if (!form.matches("[data-part=react]") || !button?.value || room.refused) return;
    event.preventDefault();
    closePicker(button);
    const block = form.closest("[data-part=reactions]");
    const on = button.getAttribute("aria-pressed") !== "true";
    // With `on` stated, a press sent again after a reconnect changes nothing the second time.
    const sent = { message_id: Number(form.closest("li[data-id]").dataset.id), emoji: button.value, on };
    socket.emitWithAck("react", sent).then((ack) => {
      if (ack?.ok) update(ack);
      else showError(block, ack?.error?.message || "Your reaction was not saved. Try again");
    });
  });

  socket.on("reactions_changed", update);
  stream.listeners.caughtUp.push((ack) => (ack.reactions || []).forEach(update));

  // The names show beside a reaction on hover and focus; Escape hides them (WCAG 1.4.13) until the
  // pointer or the keyboard moves on.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    list.classList.add("civicnet-reactions--quiet");
    closePicker(event.target);
  });
  const speak = () => list.classList.remove("civicnet-reactions--quiet");
  list.addEventListener("focusin", speak);
  list.addEventListener("pointerover", speak);
}
