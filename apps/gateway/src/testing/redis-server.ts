/**
 * A redis-server owned by one test, on a free loopback port, that the test may stop and
 * start again on the same port to simulate an outage. Nothing is persisted.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { until, waitFor } from "./wait";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface OwnedRedis {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function ownedRedis(): Promise<OwnedRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const answers = async (): Promise<boolean> => {
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on("error", () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === "PONG";
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  };

  return {
    url,
    async start() {
      child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
      await until(`redis-server on port ${port}`, 10_000, answers, 50);
    },
    async stop() {
      const running = child;
      if (running === undefined || running.exitCode !== null) return;
      const exited = waitFor<void>("redis-server to exit", 10_000, (resolve) => {
        running.once("exit", () => resolve());
      });
      running.kill("SIGKILL");
      await exited;
      child = undefined;
    },
  };
}
