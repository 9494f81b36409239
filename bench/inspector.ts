/**
 * Another Node process seen through its inspector (it runs with
 * `--inspect=127.0.0.1:<port>`, e.g. in NODE_OPTIONS), the same way for Roomcast and the
 * plain baseline:
 * - `measureAfterGc(port)`: a full garbage collection (HeapProfiler.collectGarbage), then
 *   `process.memoryUsage()` read inside the process (Runtime.evaluate), so neither side's
 *   figure carries garbage the other's does not;
 * - `startProfile(port)`: starts V8's CPU profiler there; `stop()` returns the profile
 *   (the `.cpuprofile` format `node --cpu-prof` writes, which Node 20 does not allow in
 *   NODE_OPTIONS) — exactly the phase between the two calls.
 * - `takeHeapSnapshot(port, file)`: a heap snapshot (HeapProfiler.takeHeapSnapshot),
 *   streamed into `file` (the `.heapsnapshot` format Chrome DevTools opens).
 * Every call is bounded by `timeoutMs`.
 */
import { createWriteStream } from "node:fs";
import WebSocket from "ws";

export interface MemoryUsage {
  rss: number;
  heapUsed: number;
}

interface InspectorSession {
  call(method: string, params?: object): Promise<unknown>;
  /** Inspector notifications (messages without an id). */
  onEvent(listener: (method: string, params: unknown) => void): void;
  close(): void;
}

async function openInspector(port: number, timeoutMs: number): Promise<InspectorSession> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(timeoutMs) })).json()) as Array<{ webSocketDebuggerUrl?: string }>;
  const url = targets[0]?.webSocketDebuggerUrl;
  if (url === undefined) throw new Error(`no inspector target on port ${port}`);
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`inspector on ${port} did not open within ${timeoutMs} ms`)), timeoutMs);
    ws.once("open", () => {
      clearTimeout(timer);
      resolve();
    });
    ws.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  const pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  const listeners: Array<(method: string, params: unknown) => void> = [];
  ws.on("message", (raw: Buffer) => {
    const message = JSON.parse(raw.toString()) as { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } };
    if (message.id === undefined) {
      for (const listener of listeners) listener(message.method ?? "", message.params);
      return;
    }
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(message.error.message));
    else waiter?.resolve(message.result);
  });
  let next = 1;
  return {
    call(method, params = {}) {
      return new Promise((resolve, reject) => {
        const id = next++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`inspector ${method} did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (result) => {
            clearTimeout(timer);
            resolve(result);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    onEvent: (listener) => listeners.push(listener),
    close: () => ws.close(),
  };
}

export async function measureAfterGc(port: number, timeoutMs = 15_000): Promise<MemoryUsage> {
  const session = await openInspector(port, timeoutMs);
  try {
    await session.call("HeapProfiler.collectGarbage");
    const evaluated = (await session.call("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true })) as { result?: { value?: string } };
    const usage = JSON.parse(evaluated.result?.value ?? "null") as MemoryUsage | null;
    if (usage === null) throw new Error("the inspector did not answer process.memoryUsage()");
    return { rss: usage.rss, heapUsed: usage.heapUsed };
  } finally {
    session.close();
  }
}

export async function startProfile(port: number, timeoutMs = 30_000): Promise<{ stop(): Promise<unknown> }> {
  const session = await openInspector(port, timeoutMs);
  await session.call("Profiler.enable");
  await session.call("Profiler.start");
  return {
    async stop() {
      try {
        const { profile } = (await session.call("Profiler.stop")) as { profile: unknown };
        return profile;
      } finally {
        session.close();
      }
    },
  };
}

export async function takeHeapSnapshot(port: number, file: string, timeoutMs = 300_000): Promise<void> {
  const session = await openInspector(port, timeoutMs);
  const out = createWriteStream(file);
  try {
    session.onEvent((method, params) => {
      if (method === "HeapProfiler.addHeapSnapshotChunk") out.write((params as { chunk: string }).chunk);
    });
    await session.call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  } finally {
    session.close();
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}
