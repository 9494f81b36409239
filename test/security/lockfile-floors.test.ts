/**
 * The lockfile holds no copy of a Socket.IO stack package below the version that fixes its
 * known advisories (issue 9): every entry of package-lock.json named engine.io,
 * socket.io-parser, ws or socket.io, at any depth, must be at or above its floor. Raise a
 * floor here when a new advisory lands; bump with `npm install <pkg>@<version>`.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

const FLOORS: Record<string, string> = {
  "engine.io": "6.6.10",
  "socket.io-parser": "4.2.7",
  ws: "8.21.1",
  "socket.io": "4.8.3",
};

interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, { version?: string; link?: boolean }>;
}

/** Compares dotted numeric versions (a pre-release sorts before its release). */
function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core = "", pre] = v.split("-", 2);
    return { parts: core.split(".").map((n) => Number.parseInt(n, 10)), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return d;
  }
  if (x.pre === y.pre) return 0;
  return x.pre === undefined ? 1 : y.pre === undefined ? -1 : x.pre < y.pre ? -1 : 1;
}

const lockfile = JSON.parse(readFileSync(path.resolve(__dirname, "../../package-lock.json"), "utf8")) as Lockfile;

/** Every locked copy of `name`: [location, version]. */
function copies(name: string): Array<[string, string]> {
  return Object.entries(lockfile.packages)
    .filter(([location, entry]) => location.endsWith(`node_modules/${name}`) && entry.link !== true)
    .map(([location, entry]) => [location, entry.version ?? "0.0.0"]);
}

describe("package-lock.json versions are at or above the advisory floors", () => {
  it("compares versions numerically", () => {
    expect(compareVersions("8.21.10", "8.21.9")).toBeGreaterThan(0);
    expect(compareVersions("4.2.7", "4.2.7")).toBe(0);
    expect(compareVersions("6.6.9", "6.6.10")).toBeLessThan(0);
    expect(compareVersions("4.8.3-rc.1", "4.8.3")).toBeLessThan(0);
  });

  it("is a lockfile npm 7+ wrote (the `packages` map)", () => {
    expect(lockfile.lockfileVersion).toBeGreaterThanOrEqual(2);
  });

  it.each(Object.entries(FLOORS))("every copy of %s is >= %s", (name, floor) => {
    const found = copies(name);
    expect(found.length).toBeGreaterThan(0);
    const below = found.filter(([, version]) => compareVersions(version, floor) < 0);
    expect(below).toEqual([]);
  });
});
