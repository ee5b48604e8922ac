// Joining the room on every connection, catching up on what was missed while away (new messages,
// and edits and deletions since the last join), and what the page says while the connection is down.

const CATCH_UP_PAGES = 20;

export function roomSync(room) {
  const { slug, socket, stream, presence, root, form } = room;
  const offline = document.getElementById("offline"); // the banner beside the compose box
  // The server's clock at our last join: edits and deletions after it are replayed on the next one.
  let syncedAt = root.dataset.renderedAt || null;

  async function join() {
    let afterId = stream.lastId() || null;
    for (let page = 0; page < CATCH_UP_PAGES; page += 1) {
      let ack;
      const since = page === 0 && afterId ? syncedAt : null;
      try {
        ack = await socket.emitWithAck("join_room", { room: slug, after_id: afterId, since });
      } catch {
        return; // disconnected before the answer came: the next "connect" joins again
      }
      if (!ack?.ok) return;
      if (page === 0) {
        syncedAt = ack.server_time;
        ack.edited.forEach(stream.applyEdit);
        ack.deleted.forEach((id) => stream.applyDelete({ id, room: slug }));
      }
      room.canPost = ack.can_post && Boolean(form);
      presence.reset(ack.members_online);
      stream.receiveAll(ack.messages);
      stream.listeners.caughtUp.forEach((listener) => listener(ack));
      if (!ack.has_more || room.readingBack || !socket.connected) break;
      afterId = stream.lastId();
    }
    room.pending.resend();
  }

  // live.mjs may have connected already, before this module ran.
  socket.on("connect", join);
  socket.on("connect", () => {
    if (offline) offline.hidden = true;
  });
  if (socket.connected) join();

  socket.on("disconnect", () => {
    presence.say("Reconnecting…");
    if (offline) offline.hidden = false;
    presence.stopAllTyping();
  });

  // Turned away (signed out elsewhere, or suspended) rather than a network problem, which Socket.IO
  // keeps retrying: hand back whatever was waiting, so nothing typed is lost, and post the form.
  socket.on("connect_error", () => {
    if (socket.active) return;
    room.refused = true;
    if (offline) offline.hidden = true; // not reconnecting: the form posts instead
    presence.say("Not connected. Reload the page to see who is online.");
    room.pending.giveAllBack("Your message was not sent. Send it again");
  });
}
