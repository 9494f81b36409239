import type { ClusterStatus } from "./cluster-status";
import { runStatusCommand, STATUS_INCOMPLETE_EXIT } from "./status-command";

const status: ClusterStatus = {
  answeredBy: "gw-1",
  nodes: [{ nodeId: "gw-1", uptimeSeconds: 60, sockets: 3, tenants: { acme: 3 } }],
  connectionsPerTenant: { acme: 3 },
  subscribersPerChannel: { chat: 2 },
  busiestStreams: { acme: [{ stream: "acme:chat:s1", subscribers: 2 }] },
  backlog: { pending: 1, quarantined: 0, oldestPendingAgeMs: 1500 },
  relayLagSeconds: 1.5,
  missing: [],
  complete: true,
  unreachable: [],
  elapsedMs: 4,
};

function run(answer: (url: string, init: RequestInit) => Promise<Response>, json = false) {
  const out: string[] = [];
  const err: string[] = [];
  const calls: Array<{ url: string; auth: string | undefined }> = [];
  const fakeFetch = (async (input: URL | string, init: RequestInit = {}) => {
    calls.push({ url: String(input), auth: (init.headers as Record<string, string>).authorization });
    return answer(String(input), init);
  }) as typeof fetch;
  return runStatusCommand({ url: "http://gw:3000", token: "T", json, out: (t) => out.push(t), err: (t) => err.push(t), fetch: fakeFetch }).then((code) => ({ code, out: out.join(""), err: err.join(""), calls }));
}

const jsonResponse = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("runStatusCommand", () => {
  it("asks /api/v1/status with the token and prints a summary, exit 0 when complete", async () => {
    const result = await run(async () => jsonResponse(200, status));
    expect(result.calls).toEqual([{ url: "http://gw:3000/api/v1/status", auth: "Bearer T" }]);
    expect(result.code).toBe(0);
    expect(result.out).toContain("answered by gw-1 in 4 ms: complete (1 node)");
    expect(result.out).toContain("subscribers per channel: chat 2");
    expect(result.out).toContain("  acme: acme:chat:s1 (2)");
    expect(result.out).toContain("outbox: 1 pending, 0 quarantined, relay lag 1.5 s");
  });

  it("prints the JSON with --json, and exits 3 when a node did not answer", async () => {
    const result = await run(async () => jsonResponse(200, { ...status, complete: false, missing: ["gw-2"] }), true);
    expect(result.code).toBe(STATUS_INCOMPLETE_EXIT);
    expect(JSON.parse(result.out)).toMatchObject({ complete: false, missing: ["gw-2"] });
  });

  it("exits 1 with the reason when refused, unreachable or answered with something else", async () => {
    const refused = await run(async () => jsonResponse(403, { error: { code: "forbidden", message: "requires one of the roles: admin" } }));
    expect(refused).toMatchObject({ code: 1, out: "" });
    expect(refused.err).toContain("refused the status request (403 forbidden): requires one of the roles: admin");
    const down = await run(async () => {
      throw new TypeError("fetch failed");
    });
    expect(down).toMatchObject({ code: 1, err: "cannot reach http://gw:3000: fetch failed\n" });
    const other = await run(async () => jsonResponse(200, { hello: "world" }));
    expect(other.code).toBe(1);
    expect(other.err).toContain("not a cluster status");
  });
});
