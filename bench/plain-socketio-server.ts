/**
 * The baseline: a plain Socket.IO server with the same Redis adapter (sharded, dynamic)
 * and no Roomcast code. Clients `join` a room; a publisher's `pub` is broadcast to it.
 * Started by bench/latency.ts as a child process: PORT, REDIS_URL, PREFIX from the env.
 */
import { createShardedAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import { Server } from "socket.io";

const port = Number(process.env.PORT);
const pub = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const sub = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { enableReadyCheck: false });
for (const client of [pub, sub]) client.on("error", () => undefined);
const io = new Server({ adapter: createShardedAdapter(pub, sub, { channelPrefix: `${process.env.PREFIX ?? "plain"}:io`, subscriptionMode: "dynamic" }) });
io.on("connection", (socket) => {
  socket.on("join", (room: string, ack: () => void) => {
    void Promise.resolve(socket.join(room)).then(ack);
  });
  socket.on("pub", (room: string, payload: unknown) => {
    io.to(room).emit("event", payload);
  });
});
io.listen(port);
process.on("SIGTERM", () => {
  void io.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
});
process.stdout.write("ready\n");
