// Who is online in the room, and who is typing.

import { avatar } from "./avatars.mjs";
import { element } from "./room-messages.mjs";

const TYPING_SHOWN_MS = 3000;

export function roomPresence(room) {
  const { slug, me, socket } = room;
  const online = document.getElementById("online");
  const typingLine = document.getElementById("typing");
  const present = new Map(); // username -> author payload
  const typists = new Map(); // username -> {name, timer}

  function render() {
    const people = [...present.values()].sort((a, b) => a.display_name.localeCompare(b.display_name));
    const name = (person) => (person.username === me ? `${person.display_name} (you)` : person.display_name);
    // Verified public servants carry their badge here too, as everywhere their name appears.
    const entry = (person) => {
      const item = element("li");
      item.append(avatar(person), " ", name(person));
      if (person.verified) item.append(" ", element("strong", "civicnet-badge civicnet-badge--verified", `Verified: ${person.organisation}`));
      return item;
    };
    online.replaceChildren(...people.map(entry));
  }

  function renderTyping() {
    const names = [...typists.values()].map((typist) => typist.name);
    if (names.length === 0) typingLine.textContent = "";
    else if (names.length === 1) typingLine.textContent = `${names[0]} is typing…`;
    else if (names.length === 2) typingLine.textContent = `${names[0]} and ${names[1]} are typing…`;
    else typingLine.textContent = `${names.length} people are typing…`;
  }

  function stopTyping(username) {
    const typist = typists.get(username);
    if (!typist) return;
    clearTimeout(typist.timer);
    typists.delete(username);
    renderTyping();
  }

  socket.on("member_joined", ({ room: roomSlug, user }) => {
    if (roomSlug !== slug) return;
    present.set(user.username, user);
    render();
  });

  socket.on("member_left", ({ room: roomSlug, user }) => {
    if (roomSlug !== slug) return;
    present.delete(user.username);
    stopTyping(user.username);
    render();
  });

  socket.on("user_typing", ({ room: roomSlug, user }) => {
    if (roomSlug !== slug || user.username === me) return;
    clearTimeout(typists.get(user.username)?.timer);
    const timer = setTimeout(() => stopTyping(user.username), TYPING_SHOWN_MS);
    typists.set(user.username, { name: user.display_name, timer });
    renderTyping();
  });

  return {
    // Everyone online, as the server counts them when we join.
    reset(people) {
      present.clear();
      people.forEach((person) => present.set(person.username, person));
      render();
    },
    say(text) {
      online.replaceChildren(element("li", "", text));
    },
    stopTyping,
    stopAllTyping() {
      [...typists.keys()].forEach(stopTyping);
    },
  };
}
