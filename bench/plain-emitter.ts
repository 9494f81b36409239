/**
 * The plain baseline of the relay: a Socket.IO server with no HTTP listener and the same
 * sharded Redis adapter (dynamic mode), emitting what the relay emits — one envelope-shaped
 * event to exactly one room, its stream — with no database and no Roomcast code.
 * `data.at` is the emit time on the machine's monotonic clock (process.hrtime, the same
 * in every process), for latency.
 *
 * Started by bench/processes.ts spawnPlainEmitter (REDIS_URL, PREFIX from the env). It
 * writes `ready` once Redis answers, then takes `{ kind: "run", rate, seconds, streams,
 * tenant, tickMs }` over IPC and answers `{ kind: "done", emitted }`. SIGTERM ends it.
 */
import { createShardedAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import { Server } from "socket.io";
import type { EmitRun } from "./processes";
import { monotonicMs } from "./processes";
import { atRate } from "./support";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const pub = new Redis(url);
const sub = new Redis(url, { enableReadyCheck: false });
for (const client of [pub, sub]) client.on("error", () => undefined);
const io = new Server({ adapter: createShardedAdapter(pub, sub, { channelPrefix: `${process.env.PREFIX ?? "plain"}:io`, subscriptionMode: "dynamic" }) });

async function run(options: EmitRun): Promise<number> {
  const offsets = new Map<string, number>();
  const perTick = Math.max(1, Math.round((options.rate * options.tickMs) / 1000));
  let n = 0;
  await atRate(options.seconds, options.tickMs, () => {
    for (let i = 0; i < perTick; i++) {
      const topic = `s${n % options.streams}`;
      const stream = `${options.tenant}:chat:${topic}`;
      const offset = (offsets.get(stream) ?? 0) + 1;
      offsets.set(stream, offset);
      const envelope = { id: randomUUID(), stream, offset, channel: "chat", topic, type: "tick", data: { n, at: monotonicMs() }, priority: 0, source: "bench", ts: new Date().toISOString() };
      io.to(stream).emit("event", envelope);
      n++;
    }
    return Promise.resolve();
  });
  return n;
}

process.on("message", (message: { kind?: string } & EmitRun) => {
  if (message.kind !== "run") return;
  void run(message).then((emitted) => process.send?.({ kind: "done", emitted }));
});
process.on("SIGTERM", () => {
  void io.of("/").adapter.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
});
void pub.ping().then(() => process.stdout.write("ready\n"));
