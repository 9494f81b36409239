/**
 * Reads a V8 `.cpuprofile` (`node --cpu-prof`, or bench/inspector.ts startProfile) and
 * says where the time went:
 * - self time by function (the top `top`), as shares of the busy (not idle) time,
 * - inclusive time by package or source file: a sample counts once for every package
 *   (node_modules/<name>) or repository file (apps/…, packages/…) anywhere on its stack,
 *   so "jsonwebtoken 12%" means 12% of the sampled time was spent inside it or below it.
 *
 *   node --import tsx bench/cpu-profile-summary.ts <file.cpuprofile> [--top 20]
 */
import { readFileSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const REPO_ROOT = path.resolve(__dirname, "..");

/** What a frame belongs to: a package, a repository file, Node's internals, or V8's own pseudo-frames. */
function ownerOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node:internal";
  const file = url.startsWith("file://") ? decodeURIComponent(url.slice(7)) : url;
  const inModules = file.lastIndexOf("node_modules/");
  if (inModules >= 0) {
    const [first, second] = file.slice(inModules + 13).split("/");
    return first?.startsWith("@") ? `${first}/${second}` : (first ?? file);
  }
  return file.startsWith(REPO_ROOT) ? path.relative(REPO_ROOT, file) : file;
}

export function summarizeProfile(file: string, options: { top?: number } = {}): string {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const top = options.top ?? 20;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<number, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [i, id] of profile.samples.entries()) {
    const delta = profile.timeDeltas[i] ?? 0;
    // Shares are of the busy time: a sample of the idle loop counts apart.
    if (byId.get(id)?.callFrame.functionName === "(idle)") {
      idle += delta;
      continue;
    }
    total += delta;
    self.set(id, (self.get(id) ?? 0) + delta);
    const owners = new Set<string>();
    for (let cursor: number | undefined = id; cursor !== undefined; cursor = parent.get(cursor)) {
      const node = byId.get(cursor);
      if (node !== undefined && node.callFrame.functionName !== "(root)") owners.add(ownerOf(node.callFrame.url, node.callFrame.functionName));
    }
    for (const owner of owners) inclusive.set(owner, (inclusive.get(owner) ?? 0) + delta);
  }
  const pct = (us: number) => `${((100 * us) / Math.max(total, 1)).toFixed(1)}%`;
  const functions = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const key = `${functionName || "(anonymous)"} ${ownerOf(url, functionName)}${url === "" ? "" : `:${lineNumber + 1}`}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const rows = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `| ${name.replaceAll("|", "\\|")} | ${(us / 1000).toFixed(0)} | ${pct(us)} |`);
  return [
    `${(total / 1000).toFixed(0)} ms busy (shares below are of it), ${(idle / 1000).toFixed(0)} ms idle`,
    "",
    "| self time: function | ms | share |",
    "| --- | --- | --- |",
    ...rows(functions),
    "",
    "| inclusive time: package or file | ms | share |",
    "| --- | --- | --- |",
    ...rows(inclusive),
  ].join("\n");
}

if (require.main === module) {
  const file = process.argv[2];
  if (file === undefined) {
    process.stderr.write("usage: cpu-profile-summary <file.cpuprofile> [--top N]\n");
    process.exit(2);
  }
  const topIndex = process.argv.indexOf("--top");
  process.stdout.write(`${summarizeProfile(file, topIndex > 0 ? { top: Number(process.argv[topIndex + 1]) } : {})}\n`);
}
