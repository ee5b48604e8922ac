// The room page, live: new messages, edits and deletions appear without a reload, the compose form
// sends over the shared socket, and a dropped connection catches up on what it missed.
// Without JavaScript the page works as it is: a form POST to send, "Older messages" links to read.
// Each concern is a module of its own; this one gathers what they share and starts them.

import { socket } from "./live.mjs";
import { composer, pendingMessages } from "./room-compose.mjs";
import { roomEdit } from "./room-edit.mjs";
import { messageRenderer } from "./room-messages.mjs";
import { roomPresence } from "./room-presence.mjs";
import { roomReactions } from "./room-reactions.mjs";
import { roomStream } from "./room-stream.mjs";
import { roomSync } from "./room-sync.mjs";
import { roomThreads, threadPageReplies } from "./room-threads.mjs";

const root = document.getElementById("room");
if (root?.dataset.room) start(root);

function start(root) {
  const form = document.getElementById("compose");
  const room = {
    root,
    socket,
    slug: root.dataset.room,
    me: root.dataset.username,
    list: document.getElementById("messages"),
    form,
    thread: Number(root.dataset.thread) || null, // on a thread's own page: its first message
    canPost: Boolean(form),
    // An older page (?before=...) is for reading back: it does not take in new messages.
    readingBack: new URLSearchParams(window.location.search).has("before"),
    refused: false, // the server turned the connection away: the page is back to plain forms
  };
  room.view = messageRenderer(root, () => room.canPost);
  room.pending = pendingMessages(room);
  room.settlePending = room.pending.settle;
  room.stream = roomStream(room);
  room.presence = roomPresence(room);
  room.stream.listeners.added.push((message) => room.presence.stopTyping(message.author.username));
  if (!room.thread) room.threads = roomThreads(room);
  roomReactions(room);
  roomSync(room);
  roomEdit(room);
  if (!form?.querySelector("textarea[name=body]")) return;
  composer(room, form, { list: room.list });
  if (room.thread) threadPageReplies(room, form);
}
