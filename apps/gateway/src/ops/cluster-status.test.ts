import { asNodeStatus, scopeStatus, summarizeStatus } from "./cluster-status";

const node = (nodeId: string, tenants: Record<string, number>) => ({
  nodeId,
  uptimeSeconds: 10,
  sockets: Object.values(tenants).reduce((a, b) => a + b, 0),
  tenants,
});

describe("summarizeStatus", () => {
  it("merges this node and the replies, sums connections per tenant, sorts nodes", () => {
    const status = summarizeStatus({
      self: node("gw-2", { acme: 2 }),
      replies: [node("gw-3", { acme: 1, globex: 4 }), node("gw-1", {})],
      known: [{ nodeId: "gw-1", lastSeenMs: 1 }, { nodeId: "gw-2", lastSeenMs: 1 }, { nodeId: "gw-3", lastSeenMs: 1 }],
      timedOut: false,
      backlog: { pending: 3, quarantined: 0, oldestPendingAgeMs: 20 },
      elapsedMs: 12,
    });
    expect(status.nodes.map((n) => n.nodeId)).toEqual(["gw-1", "gw-2", "gw-3"]);
    expect(status.connectionsPerTenant).toEqual({ acme: 3, globex: 4 });
    expect(status).toMatchObject({ answeredBy: "gw-2", missing: [], complete: true, backlog: { pending: 3 }, relayLagSeconds: 0.02, unreachable: [], elapsedMs: 12 });
  });

  it("sums subscribers per channel and the busiest streams over this node and the replies, listing nodes without their figures", () => {
    const status = summarizeStatus({
      self: { ...node("gw-1", { acme: 2 }), subscriptions: { channels: { chat: 2 }, streams: { acme: [["acme:chat:s1", 2]] } } },
      replies: [
        { ...node("gw-2", { acme: 1 }), subscriptions: { channels: { chat: 1, notifications: 1 }, streams: { acme: [["acme:chat:s1", 1], ["acme:notifications:u", 1]] } } },
        // A node of an older version sends no subscriptions: it is listed, its figures are not known.
        node("gw-3", { globex: 1 }),
      ],
      known: undefined,
      timedOut: false,
      backlog: undefined,
      elapsedMs: 3,
    });
    expect(status.subscribersPerChannel).toEqual({ chat: 3, notifications: 1 });
    expect(status.busiestStreams).toEqual({ acme: [{ stream: "acme:chat:s1", subscribers: 3 }, { stream: "acme:notifications:u", subscribers: 1 }] });
    expect(status.nodes.map((n) => Object.keys(n).sort())).toEqual(Array(3).fill(["nodeId", "sockets", "tenants", "uptimeSeconds"]));
    expect(status.relayLagSeconds).toBeNull();
  });

  it("names known nodes that did not answer and marks the answer incomplete", () => {
    const status = summarizeStatus({
      self: node("gw-1", { acme: 1 }),
      replies: [node("gw-2", { acme: 1 })],
      known: [{ nodeId: "gw-3", lastSeenMs: 1 }, { nodeId: "gw-1", lastSeenMs: 1 }, { nodeId: "gw-2", lastSeenMs: 1 }],
      timedOut: true,
      backlog: undefined,
      unreachable: ["redis 10.0.0.5:6379 (cmd): Command timed out"],
      elapsedMs: 5000,
    });
    expect(status.missing).toEqual(["gw-3"]);
    expect(status.unreachable).toEqual(["redis 10.0.0.5:6379 (cmd): Command timed out"]);
    expect(status.complete).toBe(false);
    expect(status.backlog).toBeNull();
  });

  it("is incomplete after a timeout even when no missing node is known by name", () => {
    const status = summarizeStatus({ self: node("solo", {}), replies: [], known: undefined, timedOut: true, backlog: undefined, elapsedMs: 1 });
    expect(status).toMatchObject({ missing: [], complete: false, nodes: [{ nodeId: "solo" }] });
  });

  it("ignores malformed and duplicate replies", () => {
    const status = summarizeStatus({
      self: node("gw-1", { acme: 1 }),
      replies: [null, "x", { nodeId: 3 }, node("gw-1", { acme: 99 }), { ...node("gw-2", {}), tenants: { acme: "2", beta: 1 } }],
      known: undefined,
      timedOut: false,
      backlog: undefined,
      elapsedMs: 1,
    });
    expect(status.nodes.map((n) => n.nodeId)).toEqual(["gw-1", "gw-2"]);
    expect(status.connectionsPerTenant).toEqual({ acme: 1, beta: 1 });
  });
});

describe("asNodeStatus", () => {
  it("accepts the NodeStatus shape only", () => {
    expect(asNodeStatus(node("a", { t: 1 }))).toEqual(node("a", { t: 1 }));
    expect(asNodeStatus({ nodeId: "a", uptimeSeconds: 1, sockets: 1 })).toBeUndefined();
    expect(asNodeStatus(undefined)).toBeUndefined();
  });
});

describe("scopeStatus", () => {
  const whole = () =>
    summarizeStatus({
      self: { ...node("gw-1", { acme: 2, globex: 1 }), subscriptions: { channels: { chat: 3 }, streams: { acme: [["acme:chat:s1", 2]], globex: [["globex:chat:g", 1]] } } },
      replies: [node("gw-2", { globex: 4 })],
      known: undefined,
      timedOut: false,
      backlog: undefined,
      elapsedMs: 1,
    });

  it("narrows every tenant-keyed figure to the asking tenant's admin, keeping the deployment's totals", () => {
    const scoped = scopeStatus(whole(), "acme");
    expect(scoped.connectionsPerTenant).toEqual({ acme: 2 });
    expect(scoped.busiestStreams).toEqual({ acme: [{ stream: "acme:chat:s1", subscribers: 2 }] });
    expect(scoped.nodes.map((n) => n.tenants)).toEqual([{ acme: 2 }, {}]);
    expect(scoped.subscribersPerChannel).toEqual({ chat: 3 });
    expect(JSON.stringify(scoped)).not.toContain("globex");
  });

  it("leaves the status whole for the deployment operator", () => {
    expect(scopeStatus(whole(), undefined)).toEqual(whole());
  });
});
