/**
 * Gauges read at scrape time from a process's `sources` (sockets per tenant, subscriptions
 * per channel, the outbox backlog), so nothing has to be kept in step by hand. A source
 * that fails or takes longer than `sourceTimeoutMs` leaves its gauges empty for that
 * scrape rather than failing or stalling the whole scrape.
 */
import { Gauge, type Registry } from "prom-client";
import type { TenantLabels } from "./tenant-labels";
import { withTimeout } from "./with-timeout";

export interface BacklogFigures {
  pending: number;
  quarantined: number;
  oldestPendingAgeMs: number;
}

export interface MetricsSources {
  /** Open sockets of this node by tenant. */
  connectionsByTenant?(): ReadonlyMap<string, number>;
  /** Subscriptions of this node's sockets by channel. */
  subscriptionsByChannel?(): ReadonlyMap<string, number>;
  /** The outbox backlog (a database query). */
  backlog?(): Promise<BacklogFigures>;
}

export function registerScrapeGauges(registry: Registry, sources: MetricsSources, tenants: TenantLabels, sourceTimeoutMs: number): void {
  const registers = [registry];
  if (sources.connectionsByTenant) {
    const read = sources.connectionsByTenant;
    new Gauge({
      name: "roomcast_connections",
      help: "Open Socket.IO connections on this node, by tenant (bounded: ROOMCAST_METRICS_MAX_TENANTS, then tenant=\"(other)\")",
      labelNames: ["tenant"],
      registers,
      collect() {
        this.reset();
        const byLabel = new Map<string, number>();
        for (const [tenant, count] of read()) {
          const label = tenants.of(tenant);
          byLabel.set(label, (byLabel.get(label) ?? 0) + count);
        }
        for (const [tenant, count] of byLabel) this.set({ tenant }, count);
      },
    });
  }
  if (sources.subscriptionsByChannel) {
    const read = sources.subscriptionsByChannel;
    new Gauge({
      name: "roomcast_subscriptions",
      help: "Stream subscriptions of this node's sockets, by channel",
      labelNames: ["channel"],
      registers,
      collect() {
        this.reset();
        for (const [channel, count] of read()) this.set({ channel }, count);
      },
    });
  }
  if (sources.backlog) {
    const read = sources.backlog;
    // One database query per scrape feeds the three gauges; each gauge's collect awaits it.
    let pendingRead: Promise<BacklogFigures | undefined> | undefined;
    const backlogOnce = (): Promise<BacklogFigures | undefined> => {
      pendingRead ??= withTimeout(read(), sourceTimeoutMs).finally(() => {
        setImmediate(() => (pendingRead = undefined));
      });
      return pendingRead;
    };
    // Labelled (source="db") so that a failed read leaves no series at all: a label-less
    // gauge would print a stale-looking 0, which reads as "no backlog".
    const backlogGauge = (name: string, help: string, pick: (b: BacklogFigures) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ["source"],
        registers,
        async collect() {
          this.reset();
          const figures = await backlogOnce();
          if (figures !== undefined) this.set({ source: "db" }, pick(figures));
        },
      });
    backlogGauge("roomcast_outbox_pending_events", "Committed outbox events not yet emitted (nor quarantined)", (b) => b.pending);
    backlogGauge("roomcast_outbox_quarantined_events", "Outbox events quarantined after failing every emit attempt", (b) => b.quarantined);
    backlogGauge("roomcast_relay_lag_seconds", "Age of the oldest committed event the relay has not emitted yet", (b) => b.oldestPendingAgeMs / 1000);
  }
}
