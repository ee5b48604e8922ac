// A bare socket.io relay: the floor civicnet's fan-out is compared with (bench/fanout.py).
// Same events as civicnet (join_room, send_message -> message_posted), no database, no checks.
// Usage: node node_relay.mjs --port 5001   (listens on 127.0.0.1 only)

import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { Server } from "socket.io";

const { values } = parseArgs({ options: { port: { type: "string" } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: node node_relay.mjs --port PORT");
  process.exit(2);
}

const httpServer = createServer();
const io = new Server(httpServer, { transports: ["websocket", "polling"], serveClient: false });
let nextId = 1;

io.on("connection", (socket) => {
  socket.on("join_room", (data, ack) => {
    socket.join(`room:${data.room}`);
    if (typeof ack === "function") ack({ ok: true, room: { slug: data.room }, messages: [] });
  });

  socket.on("send_message", (data, ack) => {
    // The same keys as civicnet's message_payload, so every server sends comparable bytes.
    const message = {
      id: nextId++,
      room: data.room,
      author: { username: "sender", display_name: "sender", role: "citizen", verified: false, organisation: null },
      body_html: `<p>${data.body}</p>\n`,
      created_at: new Date().toISOString(),
      edited_at: null,
      client_id: data.client_id,
      reply_to: null,
      speaking_for: null,
      hidden: false,
      held: false,
    };
    io.to(`room:${data.room}`).emit("message_posted", message);
    if (typeof ack === "function") ack({ ok: true, message });
  });
});

httpServer.listen(port, "127.0.0.1", () => console.log(`node relay listening on 127.0.0.1:${port}`));

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    io.close();
    process.exit(0);
  });
}
