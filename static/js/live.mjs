// One Socket.IO connection per page for a signed-in member, shared by every module that imports it.
// The session cookie authenticates it (same origin), so no token ever reaches JavaScript.
// It keeps the header's unread-notification count live; rooms.mjs builds the chat on top of it.

/* global io */

export const socket = io({
  // WebSocket first (fewer round trips); fall back to long-polling where a proxy blocks WebSockets.
  transports: ["websocket", "polling"],
  tryAllTransports: true,
});

const count = document.getElementById("notification-count");
// The same count on the phone's Menu button, which folds the link away (its words for screen readers).
const menuCount = document.getElementById("menu-count");
const menuWords = document.getElementById("menu-count-words");

function showUnread(payload) {
  const unread = payload?.unread;
  if (!Number.isInteger(unread)) return;
  for (const shown of [count, menuCount]) if (shown) shown.textContent = unread > 0 ? String(unread) : "";
  if (menuWords) {
    menuWords.hidden = unread === 0;
    menuWords.textContent = ` unread notification${unread === 1 ? "" : "s"}`;
  }
}

socket.on("notification", showUnread);

// Moderators: the number of items waiting in the queue.
const pendingCount = document.getElementById("moderation-count");
socket.on("moderation_pending", (payload) => {
  if (pendingCount && Number.isInteger(payload?.count)) pendingCount.textContent = payload.count > 0 ? String(payload.count) : "";
});
// Reading /notifications in one tab clears the count in the others.
socket.on("notifications_read", showUnread);

// Browsers keep a dead WebSocket open for a long while after the network goes away, and messages
// sent meanwhile are lost. Close it as soon as the browser knows it is offline, and reconnect
// the moment it is back, rather than waiting for a ping timeout and then a reconnection back-off.
window.addEventListener("offline", () => socket.disconnect());
window.addEventListener("online", () => {
  if (!socket.connected) {
    socket.disconnect();
    socket.connect();
  }
});
