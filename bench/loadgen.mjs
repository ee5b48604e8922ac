// Fan-out load generator: N receivers in one room and one or many senders, over the websocket transport.
//
// Usage: node loadgen.mjs --url http://127.0.0.1:5000[,http://127.0.0.1:5001] --pid 1234[,1235]
//   --phases '[...]' [--tokens file.json] --receivers 50 [--senders 0] [--ids-out file.json] [--kill]
// A phase is {"name": "100/s", "rate": 100, "seconds": 5} (open loop: fixed messages/s in total) or
// {"name": "max", "window": 64, "seconds": 4} (closed loop: at most `window` messages not yet delivered
// to every receiver). Each phase first runs `warmup` seconds unmeasured.
// --senders 0: one sender of its own, not in the room. --senders K: the first K receivers send in turn,
// each its own member (token) and connection. Connections are spread over the URLs in turn (several
// server processes); CPU and memory are summed over the pids.
// --ids-out: write every client_id sent and acked, for a check of the database afterwards.
// Memory: the servers' RSS once every receiver has joined and they are idle, less the RSS before connecting.
// --kill: SIGKILL the servers right after the last phase's measured window, while messages are in flight.
// Prints one JSON object on stdout; progress goes to stderr. Every wait is bounded.

import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { io } from "socket.io-client";

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    pid: { type: "string" },
    phases: { type: "string" },
    tokens: { type: "string" },
    receivers: { type: "string", default: "50" },
    senders: { type: "string", default: "0" },
    room: { type: "string", default: "bench" },
    warmup: { type: "string", default: "1" },
    drain: { type: "string", default: "5" },
    idle: { type: "string", default: "1" },  // seconds of idling after the joins, before memory is read
    "ids-out": { type: "string" },
    kill: { type: "boolean", default: false },
    "clk-tck": { type: "string", default: "100" },
    body: { type: "string", default: "a short benchmark message, about as long as a typical chat line in a room" },
  },
});

const urls = args.url.split(",");
const serverPids = args.pid.split(",").map(Number);
const receiverCount = Number(args.receivers);
const senderCount = Number(args.senders);
const phases = JSON.parse(args.phases);
const warmupSeconds = Number(args.warmup);
const drainSeconds = Number(args.drain);
const clkTck = Number(args["clk-tck"]);
const tokens = args.tokens ? JSON.parse(readFileSync(args.tokens, "utf8")) : null;
const room = tokens?.room ?? args.room;
const MAX_PHASE_SECONDS = 60;
const MAX_CONNECTIONS = 1000;
if (!(receiverCount > 0 && receiverCount <= MAX_CONNECTIONS)) throw new Error("--receivers must be 1..1000");
if (!(senderCount >= 0 && senderCount <= receiverCount)) throw new Error("--senders must be 0..receivers");
for (const phase of phases) {
  if (!(phase.seconds > 0 && phase.seconds <= MAX_PHASE_SECONDS)) throw new Error("phase seconds must be 1..60");
}

// Whole-run watchdog: connecting, every phase with its warm-up and drain, and a margin.
const budgetMs =
  1000 * (60 + receiverCount / 5 + phases.reduce((sum, phase) => sum + phase.seconds + warmupSeconds + drainSeconds + 2, 0));
setTimeout(() => {
  console.error(`loadgen: gave up after ${budgetMs / 1000}s`);
  process.exit(3);
}, budgetMs).unref();

const log = (...parts) => console.error("loadgen:", ...parts);

function serverCpuSeconds() {
  // utime + stime of every thread of each server process, from /proc/<pid>/stat (fields 14 and 15).
  let total = 0;
  for (const pid of serverPids) {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    total += (Number(fields[11]) + Number(fields[12])) / clkTck;
  }
  return total;
}

function machineBusySeconds() {
  // Every core's non-idle time, from the first line of /proc/stat (user nice system idle iowait irq softirq steal).
  const [user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8")
    .split("\n")[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / clkTck;
}

function serverRssKb() {
  let total = 0;
  for (const pid of serverPids) {
    const match = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
    if (!match) return null;
    total += Number(match[1]);
  }
  return total;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(samples) {
  const sorted = Float64Array.from(samples).sort();
  const round = (value) => (value === null ? null : Math.round(value * 100) / 100);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : null),
  };
}

function connect(url, token) {
  const socket = io(url, {
    transports: ["websocket"],
    forceNew: true, // one WebSocket per client: without it, every client would share one connection
    reconnection: false,
    timeout: 10000,
    auth: token ? { token } : {},
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("connect timed out")), 10000);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("connect_error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

// client_id -> {sentAt, received, measured}; an entry leaves once every receiver has the message.
const inFlight = new Map();
const sentIds = [];
const ackedIds = [];
let deliveries = 0;
let unknownDeliveries = 0;
let acksOk = 0;
let current = null; // the phase being run: its counters and samples
let onComplete = () => {};

function receive(message) {
  const now = performance.now();
  deliveries++;
  const entry = inFlight.get(message.client_id);
  if (entry === undefined) {
    unknownDeliveries++;
    return;
  }
  entry.received++;
  if (entry.measured) current.latencies.push(now - entry.sentAt);
  if (entry.received >= receiverCount) {
    inFlight.delete(message.client_id);
    onComplete();
  }
}

let senders = [];
let sequence = 0;
let pendingAcks = 0;

function send(measured) {
  const clientId = `m${++sequence}`;
  const sentAt = performance.now();
  const phase = current;
  inFlight.set(clientId, { sentAt, received: 0, measured });
  sentIds.push(clientId);
  if (measured) phase.sent++;
  pendingAcks++;
  const body = `t=${Date.now()} ${args.body}`;
  senders[sequence % senders.length].emit("send_message", { room, body, client_id: clientId }, (ack) => {
    pendingAcks--;
    if (ack?.ok) {
      acksOk++;
      ackedIds.push(clientId);
    }
    if (!measured) return;
    phase.ackLatencies.push(performance.now() - sentAt);
    if (ack?.ok) phase.acked++;
    else {
      const code = ack?.error?.code ?? "no_ack_body";
      phase.ackErrors[code] = (phase.ackErrors[code] ?? 0) + 1;
    }
  });
}

async function openLoop(rate, seconds, measured) {
  // Send on schedule (message k at k/rate seconds); if the event loop falls behind, catch up.
  const total = Math.round(rate * seconds);
  const start = performance.now();
  let sent = 0;
  while (sent < total && performance.now() - start < (seconds + 5) * 1000) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (sent < due) {
      send(measured);
      sent++;
    }
    const nextAt = start + (sent / rate) * 1000;
    await sleep(Math.max(1, nextAt - performance.now()));
  }
}

async function closedLoop(window, seconds, measured) {
  // Keep `window` messages in flight: a new one goes out whenever one reaches every receiver.
  const end = performance.now() + seconds * 1000;
  const pump = () => {
    while (inFlight.size < window && performance.now() < end) send(measured);
  };
  onComplete = pump;
  pump();
  while (performance.now() < end) await sleep(Math.min(50, Math.max(1, end - performance.now())));
  onComplete = () => {};
}

async function drain() {
  const end = performance.now() + drainSeconds * 1000;
  while ((inFlight.size > 0 || pendingAcks > 0) && performance.now() < end) await sleep(10);
  let undelivered = 0;
  for (const entry of inFlight.values()) if (entry.measured) undelivered += receiverCount - entry.received;
  inFlight.clear();
  return undelivered;
}

async function runPhase(phase, last) {
  const drive = (seconds, measured) =>
    phase.window ? closedLoop(phase.window, seconds, measured) : openLoop(phase.rate, seconds, measured);
  current = { latencies: [], ackLatencies: [], sent: 0, acked: 0, ackErrors: {} };
  await drive(warmupSeconds, false);

  const before = {
    deliveries,
    acksOk,
    cpu: serverCpuSeconds(),
    loadgen: process.cpuUsage(),
    busy: machineBusySeconds(),
    at: performance.now(),
  };
  await drive(phase.seconds, true);
  const elapsed = (performance.now() - before.at) / 1000;
  const windowDeliveries = deliveries - before.deliveries;
  const windowAcks = acksOk - before.acksOk;
  const cpu = serverCpuSeconds() - before.cpu;
  const loadgen = process.cpuUsage(before.loadgen);
  const loadgenCpu = (loadgen.user + loadgen.system) / 1e6;
  // Whatever else ran on the machine meanwhile (other people's work): it competes for the same cores.
  const background = Math.max(0, machineBusySeconds() - before.busy - cpu - loadgenCpu);
  let undelivered = null;
  if (last && args.kill) {
    for (const pid of serverPids) process.kill(pid, "SIGKILL");
    await sleep(500); // take in the acks the servers had already written to their sockets
  } else {
    undelivered = await drain();
  }

  const result = {
    name: phase.name,
    mode: phase.window ? "closed" : "open",
    target_rate: phase.rate ?? null,
    window: phase.window ?? null,
    seconds: Math.round(elapsed * 1000) / 1000,
    sent: current.sent,
    acked: current.acked,
    ack_errors: current.ackErrors,
    inbound_per_s: Math.round(current.sent / elapsed),
    acked_per_s: Math.round(windowAcks / elapsed),
    deliveries: windowDeliveries,
    deliveries_per_s: Math.round(windowDeliveries / elapsed),
    expected_deliveries: current.sent * receiverCount,
    undelivered,
    latency_ms: summary(current.latencies),
    ack_ms: summary(current.ackLatencies),
    server_cpu_s: Math.round(cpu * 1000) / 1000,
    server_cpu_pct: Math.round((100 * cpu) / elapsed),
    server_cpu_us_per_delivery: windowDeliveries ? Math.round(((1e6 * cpu) / windowDeliveries) * 10) / 10 : null,
    deliveries_per_cpu_s: cpu > 0 ? Math.round(windowDeliveries / cpu) : null,
    loadgen_cpu_pct: Math.round((100 * loadgenCpu) / elapsed),
    background_cpu_pct: Math.round((100 * background) / elapsed),
  };
  log(
    `${phase.name}: ${result.deliveries_per_s} deliveries/s, p99 ${result.latency_ms.p99} ms, ack p99 ` +
      `${result.ack_ms.p99} ms, ${result.server_cpu_us_per_delivery} us CPU/delivery`,
  );
  return result;
}

async function settle() {
  // Idle for `idle` seconds, then until the servers have finished what the joins started (at most 60 s):
  // under 5% of a core over a quarter of a second.
  await sleep(Number(args.idle) * 1000);
  const end = performance.now() + 60000;
  let before = serverCpuSeconds();
  while (performance.now() < end) {
    await sleep(250);
    const now = serverCpuSeconds();
    if (now - before < 0.0125 * serverPids.length) return;
    before = now;
  }
  log("the servers were still busy 60 s after the joins");
}

async function main() {
  const receiverTokens = tokens?.receivers ?? [];
  if (tokens && receiverTokens.length < receiverCount) throw new Error("not enough receiver tokens");
  const connectStart = performance.now();
  const rssBefore = serverRssKb();
  const receivers = [];
  // In batches, so that a server answering slowly sees at most 50 handshakes at once.
  for (let start = 0; start < receiverCount; start += 50) {
    const batch = Array.from({ length: Math.min(50, receiverCount - start) }, (_, offset) => start + offset);
    const batchSockets = batch.map((i) =>
      connect(urls[i % urls.length], receiverTokens[i]).catch((error) => {
        throw new Error(`connecting receiver ${i}: ${error?.message ?? error}`);
      }),
    );
    receivers.push(...(await Promise.all(batchSockets)));
  }
  const dedicated = senderCount === 0 ? [await connect(urls[0], tokens?.sender)] : [];
  senders = senderCount === 0 ? dedicated : receivers.slice(0, senderCount);
  for (const socket of receivers) socket.on("message_posted", receive);
  // In batches too: every join announces member_joined to everyone already in the room (n² events in all).
  for (let start = 0; start < receivers.length; start += 50) {
    await Promise.all(
      receivers.slice(start, start + 50).map(async (socket) => {
        const ack = await socket
          .timeout(30000)
          .emitWithAck("join_room", { room })
          .catch(() => ({ error: "no answer within 30 s" }));
        if (!ack?.ok) throw new Error(`join_room failed: ${JSON.stringify(ack)}`);
      }),
    );
  }
  const joinSeconds = (performance.now() - connectStart) / 1000;
  await settle();
  const rssJoined = serverRssKb();
  const connections = receivers.length + dedicated.length;
  log(`${receiverCount} receivers (${senders.length} sending) joined in ${Math.round(performance.now() - connectStart)} ms`);

  const results = [];
  for (const [index, phase] of phases.entries()) results.push(await runPhase(phase, index === phases.length - 1));

  if (args["ids-out"]) writeFileSync(args["ids-out"], JSON.stringify({ sent: sentIds, acked: ackedIds }));
  for (const socket of [...receivers, ...dedicated]) socket.disconnect();
  process.stdout.write(
    `${JSON.stringify({
      receivers: receiverCount,
      senders: senders.length,
      processes: serverPids.length,
      room,
      join_seconds: Math.round(joinSeconds * 10) / 10,
      unknown_deliveries: unknownDeliveries,
      rss_kb_per_connection:
        rssBefore !== null && rssJoined !== null ? Math.round((rssJoined - rssBefore) / connections) : null,
      phases: results,
    })}\n`,
  );
  process.exit(0);
}

main().catch((error) => {
  console.error("loadgen failed:", error?.message ?? error);
  process.exit(1);
});
