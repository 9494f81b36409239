/**
 * @roomcast/client as its users get it: `npm pack` (which builds it, `prepack`) must hold
 * exactly the built files, README and a publishable manifest; the tarball, installed alone
 * into an empty folder with its dependencies from the npm registry (or cache), must load
 * with `require` and with `import` in plain Node, connect to a real gateway both ways, and
 * type-check the README's examples (packages/client/examples) as an ES module and as a
 * CommonJS consumer against its own declarations.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startCluster, type TestCluster } from "@roomcast/gateway/testing";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");
const EXAMPLES = path.join(ROOT, "packages/client/examples");

jest.setTimeout(180_000);

interface PackResult {
  filename: string;
  files: { path: string }[];
}

/** `npm pack --json` prints the lifecycle scripts' output first, then the JSON array. */
function packJson(stdout: string): PackResult[] {
  const start = stdout.startsWith("[") ? 0 : stdout.lastIndexOf("\n[") + 1;
  return JSON.parse(stdout.slice(start)) as PackResult[];
}

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

describe("the packed @roomcast/client", () => {
  let work: string;
  let consumer: string;
  let pack: PackResult;
  let cluster: TestCluster;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "roomcast-client-pack-"));
    const [packed, started] = await Promise.all([
      run("npm", ["pack", "-w", "@roomcast/client", "--json", "--pack-destination", work], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }),
      startCluster({ nodes: 1, redisUrl: null }),
    ]);
    cluster = started;
    const [result] = packJson(packed.stdout);
    if (result === undefined) throw new Error(`npm pack printed no result: ${packed.stdout}`);
    pack = result;
    consumer = path.join(work, "consumer");
    cpSync(EXAMPLES, path.join(consumer, "examples"), { recursive: true });
    writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", "--no-package-lock", path.join(work, pack.filename)], {
      cwd: consumer,
      maxBuffer: 16 * 1024 * 1024,
    });
  });
  afterAll(async () => {
    await cluster?.close();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it("holds the built ESM, CJS and declarations, the README and the manifest, nothing else", () => {
    expect(pack.files.map((f) => f.path).sort()).toEqual(["README.md", "dist/index.cjs", "dist/index.d.cts", "dist/index.d.mts", "dist/index.mjs", "package.json"]);
  });

  it("installs alone: its manifest is publishable and it brings only socket.io-client and zod", async () => {
    const { stdout } = await run("node", ["-p", "JSON.stringify(require('@roomcast/client/package.json'))"], { cwd: consumer });
    const manifest = JSON.parse(stdout) as Record<string, unknown>;
    expect(manifest).not.toHaveProperty("private");
    expect(manifest).toMatchObject({ name: "@roomcast/client", version: expect.stringMatching(/^\d+\.\d+\.\d+/), types: "./dist/index.d.cts" });
    expect(Object.keys(manifest.dependencies as object).sort()).toEqual(["socket.io-client", "zod"]);
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
    ["an ES module", "module"],
    ["CommonJS", "commonjs"],
  ])("type-checks the README examples as %s against the packed declarations", async (_label, type) => {
    const dir = path.join(consumer, `typecheck-${type}`);
    cpSync(EXAMPLES, dir, { recursive: true });
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type }));
    writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["es2022", "dom"], types: [], strict: true, noEmit: true, skipLibCheck: false },
        include: ["*.ts"],
      }),
    );
    // The declaration files the compiler read prove which build was checked.
    const { stdout } = await run(process.execPath, [TSC, "-p", dir, "--listFilesOnly"], { cwd: dir });
    expect(stdout).toContain(`node_modules/@roomcast/client/dist/index.d.${type === "module" ? "mts" : "cts"}`);
    await expect(run(process.execPath, [TSC, "-p", dir], { cwd: dir })).resolves.toBeDefined();
  });
});
