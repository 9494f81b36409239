/**
 * A durable stack (test/support/stack.ts: PostgreSQL, Redis, a relay, one gateway) in a
 * process of its own, for tests in a jsdom environment, which cannot load the server's
 * modules (pg, Prisma). Started by spawned-stack.ts: argv[2] is a JSON map of token names
 * to `{ sub, role }` (tenant `acme`); prints one JSON line `{ url, tokens }` once ready, and
 * stops everything (database dropped, Redis keys deleted) when its stdin closes — the
 * test ended or died — or on SIGTERM.
 */
import type { Role } from "@roomcast/protocol";
import { startStack } from "../support/stack";

async function main(): Promise<void> {
  const wanted = JSON.parse(process.argv[2] ?? "{}") as Record<string, { sub: string; role: Role }>;
  const stack = await startStack({ gateways: 1 });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= stack.close().then(() => process.exit(0), (error: unknown) => {
      process.stderr.write(`stack close failed: ${String(error)}\n`);
      process.exit(1);
    });
  };
  process.stdin.on("end", stop);
  process.stdin.on("error", stop);
  process.stdin.resume();
  process.on("SIGTERM", stop);
  const tokens = Object.fromEntries(Object.entries(wanted).map(([name, { sub, role }]) => [name, stack.token({ sub, tenant: "acme", role, ttlSeconds: 3600 })]));
  process.stdout.write(`${JSON.stringify({ url: stack.nodes[0]!.url, tokens })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`stack failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
