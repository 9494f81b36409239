/**
 * Reads V8 `.heapsnapshot`s and says what the heap holds: self size and count per kind of
 * object (constructor name for objects, the node type otherwise: string, closure, array,
 * code …), the top `top` by size. `summarizeHeapGrowth(before, after, n)` lists what grew
 * between two snapshots of one process, divided by `n` (the connections opened in between):
 * what each connection holds.
 *
 *   node --import tsx bench/heap-snapshot-summary.ts <file.heapsnapshot> [--top 30]
 *   node --import tsx bench/heap-snapshot-summary.ts <before> <after> --per N [--top 30]
 */
import { readFileSync } from "node:fs";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

type Kinds = Map<string, { count: number; bytes: number }>;

function kindsOf(file: string): { kinds: Kinds; total: number } {
  const snapshot = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const kinds = new Map<string, { count: number; bytes: number }>();
  let total = 0;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]!] ?? "?";
    const size = snapshot.nodes[i + sizeAt]!;
    total += size;
    const name = type === "object" || type === "native" ? `${snapshot.strings[snapshot.nodes[i + nameAt]!]}` : `(${type})`;
    const kind = kinds.get(name) ?? { count: 0, bytes: 0 };
    kind.count++;
    kind.bytes += size;
    kinds.set(name, kind);
  }
  return { kinds, total };
}

const label = (name: string) => name.slice(0, 60).replaceAll("|", "\\|");

export function summarizeHeapSnapshot(file: string, options: { top?: number } = {}): string {
  const { kinds, total } = kindsOf(file);
  const rows = [...kinds]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, options.top ?? 30)
    .map(([name, k]) => `| ${label(name)} | ${k.count} | ${(k.bytes / 1024).toFixed(0)} |`);
  return [`${(total / 1024 / 1024).toFixed(1)} MiB in the snapshot`, "", "| kind | count | KiB |", "| --- | --- | --- |", ...rows].join("\n");
}

export function summarizeHeapGrowth(before: string, after: string, perConnection: number, options: { top?: number } = {}): string {
  const a = kindsOf(before);
  const b = kindsOf(after);
  const growth = [...b.kinds].map(([name, k]) => {
    const was = a.kinds.get(name) ?? { count: 0, bytes: 0 };
    return { name, count: (k.count - was.count) / perConnection, bytes: (k.bytes - was.bytes) / perConnection };
  });
  const rows = growth
    .sort((x, y) => y.bytes - x.bytes)
    .slice(0, options.top ?? 25)
    .map((g) => `| ${label(g.name)} | ${g.count.toFixed(2)} | ${g.bytes.toFixed(0)} |`);
  return [
    `${((b.total - a.total) / perConnection / 1024).toFixed(1)} KiB per connection in the snapshots' growth`,
    "",
    "| kind | count per connection | bytes per connection |",
    "| --- | --- | --- |",
    ...rows,
  ].join("\n");
}

if (require.main === module) {
  const file = process.argv[2];
  if (file === undefined) {
    process.stderr.write("usage: heap-snapshot-summary <file.heapsnapshot> [--per N] [--top N]\n");
    process.exit(2);
  }
  const option = (name: string) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : undefined);
  const perConnection = option("per");
  const top = option("top") ?? 30;
  const second = process.argv[3];
  const text =
    perConnection !== undefined && second !== undefined && !second.startsWith("--")
      ? summarizeHeapGrowth(file, second, perConnection, { top })
      : summarizeHeapSnapshot(file, { top });
  process.stdout.write(`${text}\n`);
}
