/**
 * Auto-pipelining, against the real Redis: the publisher (`pub`) pipelines what one
 * event-loop turn issues and the command client (`cmd`) does not (client-options.ts says
 * why); and a pipelined command still fails at the command timeout when Redis stops
 * answering (a fake server that answers the connection handshake and then nothing), the
 * one queued behind a pipeline in flight included.
 */
import { once } from "node:events";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import pino from "pino";
import { createRedisClients, type RedisClients } from "./redis-clients";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const logger = pino({ level: "silent" });

/**
 * Answers the connection handshake (CLIENT SETNAME / SETINFO: +OK; the ready check's INFO),
 * then never answers again. Commands are split on their RESP array headers.
 */
async function startSilentRedis(): Promise<{ url: string; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let answering = true;
    socket.on("data", (chunk) => {
      for (const command of chunk.toString("utf8").split(/(?=\*\d+\r\n)/)) {
        const name = command.split("\r\n")[2]?.toLowerCase();
        if (!answering) return;
        if (name === "client") socket.write("+OK\r\n");
        else if (name === "info") {
          const info = "# Server\r\nloading:0\r\n";
          socket.write(`$${Buffer.byteLength(info)}\r\n${info}\r\n`);
        } else answering = false;
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`, server, sockets };
}

describe("redis clients: auto-pipelining", () => {
  let clients: RedisClients | undefined;
  afterEach(async () => {
    await clients?.close();
    clients = undefined;
  });

  it("the publisher sends what one event-loop turn issues as one pipeline; the command client sends each command as it comes", async () => {
    clients = createRedisClients(REDIS_URL, logger);
    const { pub, cmd } = clients;
    await Promise.all([once(pub, "ready"), once(cmd, "ready")]);
    const channel = `roomcast-test:${process.pid}:${Date.now()}:pipelined`;
    const published = Promise.all([pub.publish(channel, "1"), pub.publish(channel, "2"), pub.publish(channel, "3")]);
    expect(pub.autoPipelineQueueSize).toBe(3);
    await expect(published).resolves.toEqual([0, 0, 0]);
    const key = `${channel}:key`;
    const replies = Promise.all([cmd.set(key, "1", "PX", 10_000), cmd.incr(key), cmd.del(key)]);
    expect(cmd.autoPipelineQueueSize).toBe(0);
    await expect(replies).resolves.toEqual(["OK", 2, 1]);
  });

  it("fails pipelined commands at the command timeout when Redis does not answer, also the pipeline queued behind", async () => {
    const silent = await startSilentRedis();
    try {
      clients = createRedisClients({ url: silent.url, commandTimeoutMs: 200 }, logger);
      const { pub } = clients;
      await once(pub, "ready");
      const first = expect(pub.publish("a", "1")).rejects.toThrow("Command timed out");
      // The next turn's command waits for the pipeline in flight, then times out on its own.
      await new Promise((resolve) => setImmediate(resolve));
      const second = expect(pub.publish("b", "2")).rejects.toThrow("Command timed out");
      await Promise.all([first, second]);
    } finally {
      await clients?.close();
      clients = undefined;
      for (const socket of silent.sockets) socket.destroy();
      silent.server.close();
    }
  });
});
