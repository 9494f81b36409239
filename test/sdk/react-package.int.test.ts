/**
 * @roomcast/react as its users get it: `npm pack` (building it, `prepack`) holds only the
 * built files, README and manifest; installed with the packed SDK and React from the
 * registry (or cache) into an empty folder, it loads with `require` and `import`, renders
 * on the server with its peers, and the README's examples (packages/react/examples)
 * type-check against its declarations, for a bundler (ESM) and as CommonJS.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");
const EXAMPLES = path.join(ROOT, "packages/react/examples");
/** The peers at the versions the repository uses (so the cache has them). */
const version = (pkg: string) => (JSON.parse(readFileSync(path.join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;

jest.setTimeout(180_000);

interface PackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

/** `npm pack --json` prints the lifecycle scripts' output first, then the JSON array. */
function packJson(stdout: string): PackResult[] {
  const start = stdout.startsWith("[") ? 0 : stdout.lastIndexOf("\n[") + 1;
  return JSON.parse(stdout.slice(start)) as PackResult[];
}

describe("the packed @roomcast/react", () => {
  let work: string;
  let consumer: string;
  let packs: PackResult[];

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "roomcast-react-pack-"));
    const packed = await run("npm", ["pack", "-w", "@roomcast/client", "-w", "@roomcast/react", "--json", "--pack-destination", work], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    packs = packJson(packed.stdout);
    consumer = path.join(work, "consumer");
    cpSync(EXAMPLES, path.join(consumer, "examples"), { recursive: true });
    writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
    const peers = ["react", "react-dom", "@types/react"].map((pkg) => `${pkg}@${version(pkg)}`);
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", "--no-package-lock", ...packs.map((p) => path.join(work, p.filename)), ...peers], {
      cwd: consumer,
      maxBuffer: 16 * 1024 * 1024,
    });
  });
  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it("holds the built ESM, CJS and declarations, the README and the manifest, nothing else", () => {
    const react = packs.find((p) => p.name === "@roomcast/react");
    expect(react?.files.map((f) => f.path).sort()).toEqual(["README.md", "dist/index.cjs", "dist/index.d.cts", "dist/index.d.mts", "dist/index.mjs", "package.json"]);
  });

  it("keeps React and the SDK as peers, and loads with require and import", async () => {
    const { stdout } = await run("node", ["-p", "JSON.stringify(require('@roomcast/react/package.json'))"], { cwd: consumer });
    const manifest = JSON.parse(stdout) as { private?: boolean; dependencies?: object; peerDependencies: Record<string, string> };
    expect(manifest.private).toBeUndefined();
    expect(manifest.dependencies).toBeUndefined();
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(["@roomcast/client", "react"]);
    const names = "Object.keys(m).sort().join(',')";
    const expected = "RoomcastProvider,useConnectionState,usePublish,useRoomcastClient,useStream";
    expect((await run("node", ["-e", `const m = require('@roomcast/react'); console.log(${names})`], { cwd: consumer })).stdout.trim()).toBe(expected);
    expect((await run("node", ["--input-type=module", "-e", `import * as m from '@roomcast/react'; console.log(${names})`], { cwd: consumer })).stdout.trim()).toBe(expected);
  });

  it("renders with its peers: outside a provider a hook says what is missing; inside, the state is connecting", async () => {
    const script = `
      const { createElement: h } = require("react");
      const { renderToString } = require("react-dom/server");
      const { RoomcastProvider, useConnectionState } = require("@roomcast/react");
      const Badge = () => useConnectionState();
      try { renderToString(h(Badge)); console.log("no error"); } catch (e) { console.log(e.message); }
      console.log(renderToString(h(RoomcastProvider, { options: { url: "http://127.0.0.1:9", token: "t" } }, h(Badge))));`;
    const { stdout } = await run("node", ["-e", script], { cwd: consumer });
    expect(stdout.trim().split("\n")).toEqual(["Roomcast hooks need a <RoomcastProvider> above them", "connecting"]);
  });

  it.each([
    ["for a bundler (ESM)", "module", { module: "esnext", moduleResolution: "bundler" }, "mts"],
    ["as CommonJS", "commonjs", { module: "nodenext", moduleResolution: "nodenext" }, "cts"],
  ])("type-checks the README examples %s against the packed declarations", async (_label, type, resolution, extension) => {
    const dir = path.join(consumer, `typecheck-${type}`);
    cpSync(EXAMPLES, dir, { recursive: true });
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type }));
    writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { ...resolution, target: "es2022", lib: ["es2023", "dom"], jsx: "react-jsx", types: [], strict: true, noEmit: true, skipLibCheck: false },
        include: ["*.tsx"],
      }),
    );
    const { stdout } = await run(process.execPath, [TSC, "-p", dir, "--listFilesOnly"], { cwd: dir });
    expect(stdout).toContain(`node_modules/@roomcast/react/dist/index.d.${extension}`);
    await expect(run(process.execPath, [TSC, "-p", dir], { cwd: dir })).resolves.toBeDefined();
  });
});
