/**
 * A TCP proxy in its own child process, between a node and a server (Redis), that a test
 * can pause: `pause()` sends the child SIGSTOP, so it forwards nothing and closes nothing
 * (the kernel still accepts connections and buffers bytes), which is what a network
 * partition looks like to the client — no error, no close, only silence. `resume()`
 * (SIGCONT) lets the buffered bytes through; `stop()` kills it.
 *
 * A child process rather than an in-process proxy so that the pause cannot be undone by
 * the test's own event loop, and so the kernel's behaviour is the real one.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { waitFor } from "./wait";

export interface TcpProxy {
  port: number;
  /** `redis://127.0.0.1:<port>` for a Redis behind it. */
  url: string;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

const PROXY_SOURCE = `
const net = require("node:net");
const target = Number(process.argv[1]);
const server = net.createServer((client) => {
  const upstream = net.connect(target, "127.0.0.1");
  const close = () => { client.destroy(); upstream.destroy(); };
  client.on("error", close);
  upstream.on("error", close);
  client.on("close", close);
  upstream.on("close", close);
  client.pipe(upstream);
  upstream.pipe(client);
});
server.listen(0, "127.0.0.1", () => process.stdout.write(server.address().port + "\\n"));
`;

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const child: ChildProcess = spawn(process.execPath, ["-e", PROXY_SOURCE, String(targetPort)], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await waitFor<number>(`the TCP proxy to ${targetPort} to listen`, 10_000, (resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("\n")) resolve(Number(output.trim()));
    };
    const onExit = (code: number | null) => reject(new Error(`the TCP proxy exited with ${code}`));
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
    return () => {
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
    };
  });
  let paused = false;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pause() {
      paused = true;
      child.kill("SIGSTOP");
    },
    resume() {
      paused = false;
      child.kill("SIGCONT");
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = waitFor<void>("the TCP proxy to exit", 10_000, (resolve) => {
        child.once("exit", () => resolve());
      });
      if (paused) child.kill("SIGCONT");
      child.kill("SIGKILL");
      await exited;
    },
  };
}
