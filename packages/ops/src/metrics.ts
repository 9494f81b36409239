/**
 * Prometheus metrics of one Roomcast process (a gateway or a relay), on a Registry of its
 * own: prom-client's global default registry is never used, so three gateways built in
 * one test process keep three sets of figures. Every series carries a `node` label (the
 * NODE_ID); a cluster-wide figure is a `sum by (…)` in Prometheus, never a per-node value
 * shown as global truth.
 *
 * Two kinds of figures:
 * - counters the code increments as things happen (`handshakesRefused`, `rateLimited`,
 *   `eventsEmitted`, …);
 * - gauges read at scrape time from `sources` (sockets per tenant, subscriptions per
 *   channel, the outbox backlog), so nothing has to be kept in step by hand. A source
 *   that fails or takes longer than `sourceTimeoutMs` leaves its gauges empty for that
 *   scrape rather than failing or stalling the whole scrape.
 *
 * Lifecycle: nothing runs between scrapes; process-level default metrics (memory, CPU,
 * event-loop lag) are only registered when `defaultMetrics` is set, which a process's
 * main does once.
 */
import { withTimeout } from "./with-timeout";
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";

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

export interface MetricsOptions {
  nodeId: string;
  role: "gateway" | "relay";
  sources?: MetricsSources;
  /** Also collect prom-client's process metrics (main only). */
  defaultMetrics?: boolean;
  /** Longest a scrape waits for an async source (default 2 s). */
  sourceTimeoutMs?: number;
}

/** Matches RelayHooks of @roomcast/relay-core structurally (ops does not depend on it). */
export interface RelayMetricHooks {
  onEmitted(count: number): void;
  onQuarantine(event: unknown, reason: string): void;
  onRoundFailed(error: unknown): void;
}

export interface Metrics {
  registry: Registry;
  /** Handshakes refused, by stable code (`unauthorized`, `origin_not_allowed`, `draining`, …). */
  handshakesRefused: Counter<"code">;
  /** Client events answered `rate_limited`, by event name. */
  rateLimited: Counter<"event">;
  /** Cross-node adapter requests that timed out, by operation. */
  adapterTimeouts: Counter<"op">;
  /** Sockets disconnected for buffering more than ROOMCAST_MAX_BUFFERED_BYTES. */
  slowConsumers: Counter;
  /** Messages this node received from Redis on the adapter's channels (sharded adapter). */
  adapterMessagesReceived: Counter;
  eventsEmitted: Counter;
  quarantined: Counter;
  relayRoundFailures: Counter;
  relayHooks: RelayMetricHooks;
  /** The Prometheus text exposition. */
  text(): Promise<string>;
  contentType: string;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: options.nodeId, role: options.role });
  const registers = [registry];
  const sources = options.sources ?? {};
  const sourceTimeoutMs = options.sourceTimeoutMs ?? 2000;

  if (sources.connectionsByTenant) {
    const read = sources.connectionsByTenant;
    new Gauge({
      name: "roomcast_connections",
      help: "Open Socket.IO connections on this node, by tenant",
      labelNames: ["tenant"],
      registers,
      collect() {
        this.reset();
        for (const [tenant, count] of read()) this.set({ tenant }, count);
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
    backlogGauge("roomcast_outbox_backlog", "Committed outbox events not yet emitted (nor quarantined)", (b) => b.pending);
    backlogGauge("roomcast_outbox_quarantined", "Outbox events quarantined after failing every emit attempt", (b) => b.quarantined);
    backlogGauge("roomcast_relay_lag_seconds", "Age of the oldest committed event the relay has not emitted yet", (b) => b.oldestPendingAgeMs / 1000);
  }

  const handshakesRefused = new Counter({
    name: "roomcast_handshakes_refused_total",
    help: "Connections refused before or during the Socket.IO handshake, by code",
    labelNames: ["code"],
    registers,
  });
  const rateLimited = new Counter({ name: "roomcast_rate_limited_total", help: "Client events refused by the rate limit, by event", labelNames: ["event"], registers });
  const adapterTimeouts = new Counter({
    name: "roomcast_adapter_timeouts_total",
    help: "Cross-node adapter requests (serverSideEmit, fetchSockets) that timed out",
    labelNames: ["op"],
    registers,
  });
  const slowConsumers = new Counter({
    name: "roomcast_slow_consumer_disconnects_total",
    help: "Sockets disconnected because more than ROOMCAST_MAX_BUFFERED_BYTES waited to be sent to them",
    registers,
  });
  const adapterMessagesReceived = new Counter({
    name: "roomcast_adapter_messages_received_total",
    help: "Messages this node received from Redis on the Socket.IO adapter's channels (sharded adapter; a node with no subscriber of a stream receives none of its events)",
    registers,
  });
  const eventsEmitted = new Counter({ name: "roomcast_relay_events_emitted_total", help: "Outbox events the relay emitted into rooms", registers });
  const quarantined = new Counter({ name: "roomcast_relay_quarantined_total", help: "Outbox events the relay quarantined", registers });
  const relayRoundFailures = new Counter({ name: "roomcast_relay_round_failures_total", help: "Relay rounds that failed and were retried", registers });

  if (options.defaultMetrics === true) collectDefaultMetrics({ register: registry });

  return {
    registry,
    handshakesRefused,
    rateLimited,
    adapterTimeouts,
    slowConsumers,
    adapterMessagesReceived,
    eventsEmitted,
    quarantined,
    relayRoundFailures,
    relayHooks: {
      onEmitted: (count) => eventsEmitted.inc(count),
      onQuarantine: () => quarantined.inc(),
      onRoundFailed: () => relayRoundFailures.inc(),
    },
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
