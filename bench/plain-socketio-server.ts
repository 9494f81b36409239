/**
 * The baseline: a plain Socket.IO server with the same Redis adapter (sharded, dynamic)
 * and no Roomcast code. A client `join`s a room (or several) and gets an ack; events come
 * from the plain emitter process (plain-emitter.ts) through the adapter. `GET /memory`
 * answers this process's `process.memoryUsage()` (the memory benchmark). Behind nginx
 * (bench/front-door.ts) it also answers `GET /healthz` and `POST /api/v1/publish`
 * `{ room, payload }`, which emits `event` to the room and answers 201.
 * Started by bench/processes.ts spawnPlainServer: PORT, REDIS_URL, PREFIX from the env.
 */
import { createShardedAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.env.PORT);
const pub = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const sub = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { enableReadyCheck: false });
for (const client of [pub, sub]) client.on("error", () => undefined);
const http = createServer((req, res) => {
  if (req.url === "/healthz") return void res.end('{"ok":true}');
  if (req.method === "POST" && req.url === "/api/v1/publish") {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const { room, payload } = JSON.parse(body) as { room: string; payload: unknown };
      io.to(room).emit("event", payload);
      res.writeHead(201, { "content-type": "application/json" }).end('{"ok":true}');
    });
    return;
  }
  if (req.url !== "/memory") {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(process.memoryUsage()));
});
const io = new Server(http, { adapter: createShardedAdapter(pub, sub, { channelPrefix: `${process.env.PREFIX ?? "plain"}:io`, subscriptionMode: "dynamic" }) });
io.on("connection", (socket) => {
  socket.on("join", (rooms: string | string[], ack: () => void) => {
    void Promise.resolve(socket.join(rooms)).then(ack);
  });
});
http.listen(port, "127.0.0.1", () => process.stdout.write("ready\n"));
process.on("SIGTERM", () => {
  void io.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
});
