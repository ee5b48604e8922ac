// Fan-out load generator: N receivers + 1 sender in one room, over the websocket transport only.
//
// Usage: node loadgen.mjs --url http://127.0.0.1:5000 --pid 1234 --phases '[...]' [--tokens file.json]
//   --receivers 50 --room bench --warmup 1 --drain 5 --clk-tck 100
// A phase is {"name": "1k", "rate": 20, "seconds": 5} (open loop: fixed messages/s) or
// {"name": "max", "window": 32, "seconds": 5} (closed loop: at most `window` messages not yet
// delivered to every receiver). Each phase first runs `warmup` seconds unmeasured.
// Prints one JSON object on stdout; progress goes to stderr. Every wait is bounded.

import { readFileSync } from "node:fs";
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
    room: { type: "string", default: "bench" },
    warmup: { type: "string", default: "1" },
    drain: { type: "string", default: "5" },
    "clk-tck": { type: "string", default: "100" },
    body: { type: "string", default: "a short benchmark message, about as long as a typical chat line in a room" },
  },
});

const receiverCount = Number(args.receivers);
const phases = JSON.parse(args.phases);
const warmupSeconds = Number(args.warmup);
const drainSeconds = Number(args.drain);
const clkTck = Number(args["clk-tck"]);
const serverPid = Number(args.pid);
const tokens = args.tokens ? JSON.parse(readFileSync(args.tokens, "utf8")) : null;
const room = tokens?.room ?? args.room;
const MAX_PHASE_SECONDS = 60;
const MAX_CONNECTIONS = 1000;
if (!(receiverCount > 0 && receiverCount <= MAX_CONNECTIONS)) throw new Error("--receivers must be 1..1000");
for (const phase of phases) {
  if (!(phase.seconds > 0 && phase.seconds <= MAX_PHASE_SECONDS)) throw new Error("phase seconds must be 1..60");
}

// Whole-run watchdog: connecting, every phase with its warm-up and drain, and a margin.
const budgetMs =
  1000 * (30 + phases.reduce((sum, phase) => sum + phase.seconds + warmupSeconds + drainSeconds + 2, 0));
setTimeout(() => {
  console.error(`loadgen: gave up after ${budgetMs / 1000}s`);
  process.exit(3);
}, budgetMs).unref();

const log = (...parts) => console.error("loadgen:", ...parts);

function serverCpuSeconds() {
  // utime + stime of every thread of the server process, from /proc/<pid>/stat (fields 14 and 15).
  const stat = readFileSync(`/proc/${serverPid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clkTck;
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

function serverRssMb() {
  const status = readFileSync(`/proc/${serverPid}/status`, "utf8");
  const match = status.match(/^VmRSS:\s+(\d+) kB/m);
  return match ? Number(match[1]) / 1024 : null;
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
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : null),
  };
}

function connect(token) {
  const socket = io(args.url, {
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
let deliveries = 0;
let unknownDeliveries = 0;
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

let sender;
let sequence = 0;
let pendingAcks = 0;

function send(measured) {
  const clientId = `m${++sequence}`;
  const sentAt = performance.now();
  const phase = current;
  inFlight.set(clientId, { sentAt, received: 0, measured });
  if (measured) phase.sent++;
  pendingAcks++;
  const body = `t=${Date.now()} ${args.body}`;
  sender.emit("send_message", { room, body, client_id: clientId }, (ack) => {
    pendingAcks--;
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

async function runPhase(phase) {
  const drive = (seconds, measured) =>
    phase.window ? closedLoop(phase.window, seconds, measured) : openLoop(phase.rate, seconds, measured);
  current = { latencies: [], ackLatencies: [], sent: 0, acked: 0, ackErrors: {} };
  await drive(warmupSeconds, false);

  const before = {
    deliveries,
    cpu: serverCpuSeconds(),
    loadgen: process.cpuUsage(),
    busy: machineBusySeconds(),
    at: performance.now(),
  };
  await drive(phase.seconds, true);
  const elapsed = (performance.now() - before.at) / 1000;
  const windowDeliveries = deliveries - before.deliveries;
  const cpu = serverCpuSeconds() - before.cpu;
  const loadgen = process.cpuUsage(before.loadgen);
  const loadgenCpu = (loadgen.user + loadgen.system) / 1e6;
  // Whatever else ran on the machine meanwhile (other people's work): it competes for the same cores.
  const background = Math.max(0, machineBusySeconds() - before.busy - cpu - loadgenCpu);
  const undelivered = await drain();

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
    deliveries: windowDeliveries,
    deliveries_per_s: Math.round(windowDeliveries / elapsed),
    expected_deliveries: current.sent * receiverCount,
    undelivered,
    latency_ms: summary(current.latencies),
    ack_ms: summary(current.ackLatencies),
    server_cpu_s: Math.round(cpu * 1000) / 1000,
    server_cpu_pct: Math.round((100 * cpu) / elapsed),
    server_cpu_us_per_delivery: windowDeliveries ? Math.round((1e6 * cpu) / windowDeliveries * 10) / 10 : null,
    // Per message the server actually handled (delivered to every receiver) in the window: a server that
    // falls behind is not credited with the messages still queued.
    server_cpu_ms_per_inbound: windowDeliveries
      ? Math.round(((1e3 * cpu) / (windowDeliveries / receiverCount)) * 1000) / 1000
      : null,
    loadgen_cpu_pct: Math.round((100 * loadgenCpu) / elapsed),
    background_cpu_pct: Math.round((100 * background) / elapsed),
    server_rss_mb: serverRssMb(),
  };
  log(
    `${phase.name}: ${result.deliveries_per_s} deliveries/s, p50 ${result.latency_ms.p50} ms, ` +
      `p99 ${result.latency_ms.p99} ms, ${result.server_cpu_us_per_delivery} us CPU/delivery`,
  );
  return result;
}

async function main() {
  const receiverTokens = tokens?.receivers ?? [];
  if (tokens && receiverTokens.length < receiverCount) throw new Error("not enough receiver tokens");
  const connectStart = performance.now();
  const rssBefore = serverRssMb();
  const receivers = await Promise.all(
    Array.from({ length: receiverCount }, (_, index) => connect(receiverTokens[index])),
  );
  sender = await connect(tokens?.sender);
  const rssConnected = serverRssMb();
  for (const socket of receivers) socket.on("message_posted", receive);
  await Promise.all(
    receivers.map(async (socket) => {
      const ack = await socket.timeout(10000).emitWithAck("join_room", { room });
      if (!ack?.ok) throw new Error(`join_room refused: ${JSON.stringify(ack)}`);
    }),
  );
  log(`${receiverCount} receivers + 1 sender connected in ${Math.round(performance.now() - connectStart)} ms`);

  const results = [];
  for (const phase of phases) results.push(await runPhase(phase));

  for (const socket of [...receivers, sender]) socket.disconnect();
  const perConnectionKb =
    rssBefore !== null && rssConnected !== null ? ((rssConnected - rssBefore) * 1024) / (receiverCount + 1) : null;
  process.stdout.write(
    `${JSON.stringify({
      receivers: receiverCount,
      room,
      unknown_deliveries: unknownDeliveries,
      rss_kb_per_connection: perConnectionKb === null ? null : Math.round(perConnectionKb),
      phases: results,
    })}\n`,
  );
  process.exit(0);
}

main().catch((error) => {
  console.error("loadgen failed:", error?.message ?? error);
  process.exit(1);
});
