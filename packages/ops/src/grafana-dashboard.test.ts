/**
 * ops/grafana/roomcast.json stays true to the metrics: every series a panel queries is one
 * this package registers (with the type the query needs), every panel reads the
 * dashboard's datasource variable, and panel ids are unique.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { createMetrics } from "./metrics";

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: Array<{ expr: string }>;
}

const dashboard = JSON.parse(readFileSync(path.resolve(__dirname, "../../../ops/grafana/roomcast.json"), "utf8")) as { uid: string; panels: Panel[] };

describe("the Grafana dashboard", () => {
  it("queries only series the metrics register, histograms by their buckets", async () => {
    const metrics = createMetrics({
      nodeId: "n",
      role: "gateway",
      sources: { connectionsByTenant: () => new Map(), subscriptionsByChannel: () => new Map(), backlog: async () => ({ pending: 0, quarantined: 0, oldestPendingAgeMs: 0 }) },
    });
    const types = new Map((await metrics.registry.getMetricsAsJSON()).map((m) => [m.name, String(m.type)]));
    const used = dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => [...t.expr.matchAll(/\broomcast_[a-z_]+/g)].map((m) => m[0])));
    expect(used.length).toBeGreaterThan(15);
    const unknown = used.filter((name) => {
      const histogram = /^(.*)_(bucket|count|sum)$/.exec(name)?.[1];
      if (histogram !== undefined && types.get(histogram) === "histogram") return false;
      return !types.has(name) || types.get(name) === "histogram";
    });
    expect(unknown).toEqual([]);
  });

  it("reads the datasource variable in every panel, with unique ids", () => {
    const queried = dashboard.panels.filter((p) => p.type !== "row");
    expect(queried.filter((p) => p.datasource?.uid !== "${datasource}").map((p) => p.title)).toEqual([]);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.uid).toBe("roomcast-overview");
  });
});
