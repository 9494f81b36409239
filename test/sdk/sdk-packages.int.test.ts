/**
 * The published packages as their users get them. One `npm pack` of @roomcast/client and
 * @roomcast/react (which builds both, `prepack`; one run, so no two builds write the same
 * dist/ at once) must hold exactly the built files, README and a publishable manifest.
 * - @roomcast/client, installed alone into an empty folder with its dependencies from the
 *   npm registry (or cache) — every package its build imports is one of them — loads with `require` and `import` in plain Node, connects to a
 *   real gateway both ways, and the README's examples (packages/client/examples)
 *   type-check against its declarations as an ES module and as CommonJS.
 * - @roomcast/react, installed with the packed SDK and React, loads both ways, renders on
 *   the server with its peers, and its README's examples type-check for a bundler (ESM)
 *   and as CommonJS.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startCluster, type TestCluster } from "@roomcast/gateway/testing";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");
/** The peers at the versions the repository uses (so the cache has them). */
const version = (pkg: string) => (JSON.parse(readFileSync(path.join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
const BUILT_FILES = ["README.md", "dist/index.cjs", "dist/index.d.cts", "dist/index.d.mts", "dist/index.mjs", "package.json"];

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

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
const packageOf = (specifier: string): string => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

/** An empty project folder with `examples` copied in, and the given packages installed. */
async function consumerWith(dir: string, examples: string, installs: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  cpSync(examples, path.join(dir, "examples"), { recursive: true });
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", "--no-package-lock", ...installs], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
}

/** Type-checks `examples` in a folder of `consumer` as a package of `type`; returns the files tsc read. */
async function typecheck(consumer: string, examples: string, type: string, include: string, options: object): Promise<string> {
  const dir = path.join(consumer, `typecheck-${type}`);
  cpSync(examples, dir, { recursive: true });
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type }));
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "es2022", types: [], strict: true, noEmit: true, skipLibCheck: false, ...options }, include: [include] }));
  const { stdout } = await run(process.execPath, [TSC, "-p", dir, "--listFilesOnly"], { cwd: dir });
  await run(process.execPath, [TSC, "-p", dir], { cwd: dir }); // rejects, with the diagnostics, on any error
  return stdout;
}

let work: string;
let packs: PackResult[];
const tarball = (name: string): string => {
  const pack = packs.find((p) => p.name === name);
  if (pack === undefined) throw new Error(`npm pack wrote no ${name}`);
  return path.join(work, pack.filename);
};

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "roomcast-packages-"));
  const packed = await run("npm", ["pack", "-w", "@roomcast/client", "-w", "@roomcast/react", "--json", "--pack-destination", work], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  packs = packJson(packed.stdout);
});
afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe("the packed @roomcast/client", () => {
  const examples = path.join(ROOT, "packages/client/examples");
  let consumer: string;
  let cluster: TestCluster;

  beforeAll(async () => {
    consumer = path.join(work, "client-consumer");
    [cluster] = await Promise.all([startCluster({ nodes: 1, redisUrl: null }), consumerWith(consumer, examples, [tarball("@roomcast/client")])]);
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it("holds the built ESM, CJS and declarations, the README and the manifest, nothing else", () => {
    expect(packs.find((p) => p.name === "@roomcast/client")?.files.map((f) => f.path).sort()).toEqual(BUILT_FILES);
  });

  it("installs alone: its manifest is publishable, and what its build imports are its registry dependencies", async () => {
    const { stdout } = await run("node", ["-p", "JSON.stringify(require('@roomcast/client/package.json'))"], { cwd: consumer });
    const manifest = JSON.parse(stdout) as { private?: boolean; name: string; version: string; types: string; dependencies: Record<string, string> };
    expect(manifest.private).toBeUndefined();
    expect(manifest).toMatchObject({ name: "@roomcast/client", version: expect.stringMatching(/^\d+\.\d+\.\d+/), types: "./dist/index.d.cts" });
    const dependencies = Object.keys(manifest.dependencies);
    expect(dependencies).toContain("socket.io-client");
    expect(dependencies.filter((name) => name.startsWith("@roomcast/"))).toEqual([]); // the protocol is bundled in
    const dist = path.join(consumer, "node_modules/@roomcast/client/dist");
    for (const file of ["index.mjs", "index.cjs"]) {
      const code = readFileSync(path.join(dist, file), "utf8");
      const imported = [...code.matchAll(/(?:from\s+|require\()"([^".][^"]*)"/g)].map((m) => packageOf(m[1]!));
      expect({ file, undeclared: imported.filter((name) => !dependencies.includes(name)) }).toEqual({ file, undeclared: [] });
      expect(imported.length).toBeGreaterThan(0); // the pattern finds the imports (socket.io-client at least)
    }
    expect(readdirSync(path.join(consumer, "node_modules/@roomcast"))).toEqual(["client"]);
  });

  it("loads with require and with import in plain Node", async () => {
    const cjs = await run("node", ["-e", "const m = require('@roomcast/client'); console.log(typeof m.createClient, typeof m.isRetryable, m.ERROR_CODES.length > 0)"], { cwd: consumer });
    expect(cjs.stdout.trim()).toBe("function function true");
    const esm = await run("node", ["--input-type=module", "-e", "import { createClient, RoomcastClientError } from '@roomcast/client'; console.log(typeof createClient, new RoomcastClientError('closed', 'x').code)"], {
      cwd: consumer,
    });
    expect(esm.stdout.trim()).toBe("function closed");
  });

  /** A Node script, run from the consumer folder, that connects with the installed SDK and subscribes. */
  const connectScript = (load: string) => `${load}
const client = createClient({ url: process.env.GATEWAY_URL, token: process.env.TOKEN });
const timer = setTimeout(() => { console.log(JSON.stringify({ error: "not live in time", state: client.state })); process.exit(1); }, 15000);
client.onStateChange(async (state) => {
  if (state !== "live") return;
  const ack = await client.subscribe({ channel: "notifications", topic: "u1" }, () => undefined).ready;
  clearTimeout(timer);
  console.log(JSON.stringify(ack));
  client.close();
});
`;

  it.each([
    ["require", "const { createClient } = require('@roomcast/client');", "connect.cjs"],
    ["import", "import { createClient } from '@roomcast/client';", "connect.mjs"],
  ])("connects to a gateway and subscribes, loaded with %s", async (_how, load, file) => {
    writeFileSync(path.join(consumer, file), connectScript(load));
    const token = cluster.token({ sub: "u1", tenant: "acme", role: "member" });
    const { stdout } = await run("node", [file], { cwd: consumer, env: { PATH: process.env.PATH, GATEWAY_URL: cluster.nodes[0]!.url, TOKEN: token }, timeout: 30_000 });
    expect(JSON.parse(stdout.trim())).toMatchObject({ ok: true, stream: "acme:notifications:u1", offset: 0 });
  });

  it.each([
    ["an ES module", "module", "mts"],
    ["CommonJS", "commonjs", "cts"],
  ])("type-checks the README examples as %s against the packed declarations", async (_label, type, extension) => {
    const read = await typecheck(consumer, examples, type, "*.ts", { module: "nodenext", moduleResolution: "nodenext", lib: ["es2022", "dom"] });
    // The declaration file the compiler read proves which build was checked.
    expect(read).toContain(`node_modules/@roomcast/client/dist/index.d.${extension}`);
  });
});

describe("the packed @roomcast/react", () => {
  const examples = path.join(ROOT, "packages/react/examples");
  let consumer: string;

  beforeAll(async () => {
    consumer = path.join(work, "react-consumer");
    const peers = ["react", "react-dom", "@types/react"].map((pkg) => `${pkg}@${version(pkg)}`);
    await consumerWith(consumer, examples, [tarball("@roomcast/client"), tarball("@roomcast/react"), ...peers]);
  });

  it("holds the built ESM, CJS and declarations, the README and the manifest, nothing else", () => {
    expect(packs.find((p) => p.name === "@roomcast/react")?.files.map((f) => f.path).sort()).toEqual(BUILT_FILES);
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
    const read = await typecheck(consumer, examples, type, "*.tsx", { ...resolution, lib: ["es2023", "dom"], jsx: "react-jsx" });
    expect(read).toContain(`node_modules/@roomcast/react/dist/index.d.${extension}`);
  });
});
