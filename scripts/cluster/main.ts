/**
 * `npm run cluster -- --nodes 3 --relays 2`: starts the cluster (start-cluster.ts), prints
 * exactly one line on stdout, `public: http://127.0.0.1:<port>`, once every gateway is
 * ready and nginx answers, and writes its progress as JSON lines on stderr.
 *
 * SIGINT / SIGTERM: stop everything (children get SIGTERM, SIGKILL after a bound), remove
 * the run folder, exit 0 — also when the signal comes while still starting. Further
 * signals are ignored: `npm run` forwards the terminal's SIGINT, so one Ctrl-C arrives
 * twice, and stopping is bounded anyway. If the runner exits any other way, startCluster's
 * exit hook SIGKILLs the children on the way out.
 * Exit code 1 when the cluster could not start (the children's log tails on stderr).
 */
import { parseClusterArgs, USAGE } from "./args";
import { startCluster, type Cluster, type ClusterEvent } from "./start-cluster";

function log(fields: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields, logger: "cluster" })}\n`);
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseClusterArgs(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  let cluster: Cluster | undefined;
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    log({ msg: "signal received", signal, first: !controller.signal.aborted });
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    cluster = await startCluster({
      ...parsed.options,
      signal: controller.signal,
      onEvent: (event: ClusterEvent) => log({ msg: event.kind, ...event }),
    });
  } catch (error) {
    if (controller.signal.aborted) return 0;
    log({ msg: "start failed" });
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  process.stdout.write(`public: ${cluster.publicUrl}\n`);
  log({ msg: "cluster ready", publicUrl: cluster.publicUrl, dir: cluster.dir, gateways: cluster.gateways.map((g) => ({ nodeId: g.nodeId, url: g.url, pid: g.pid })), frontDoor: cluster.frontDoor });

  await new Promise<void>((resolve) => controller.signal.addEventListener("abort", () => resolve(), { once: true }));
  await cluster.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`cluster: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
