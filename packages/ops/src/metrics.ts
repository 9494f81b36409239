/**
 * Prometheus metrics of one Roomcast process (a gateway or a relay), on a Registry of its
 * own: prom-client's global default registry is never used, so three gateways built in
 * one test process keep three sets of figures. Every series carries `node` (the NODE_ID)
 * and `role` labels; a cluster-wide figure is a `sum by (…)` in Prometheus, never a
 * per-node value shown as global truth. Names follow Prometheus conventions: base units in
 * the name (`_seconds`, `_events`), `_total` on counters.
 *
 * Three kinds of figures:
 * - counters the code increments as things happen (`handshakesRefused`, `rateLimited`,
 *   `countPublished`, …); per-tenant ones go through TenantLabels (bounded cardinality);
 * - histograms of distributions (commit→emit lag, commit→socket latency, relay rounds,
 *   handshakes, replay sizes), with buckets fixed here;
 * - gauges read at scrape time from `sources` (scrape-gauges.ts).
 *
 * Lifecycle: nothing runs between scrapes; process-level default metrics (memory, CPU,
 * event-loop lag) are only registered when `defaultMetrics` is set, which a process's
 * main does once.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { UNKNOWN_BUILD, type BuildInfo } from "./build-info";
import { registerScrapeGauges, type MetricsSources } from "./scrape-gauges";
import { createTenantLabels } from "./tenant-labels";

export interface MetricsOptions {
  nodeId: string;
  role: "gateway" | "relay";
  sources?: MetricsSources;
  /** Also collect prom-client's process metrics (main only). */
  defaultMetrics?: boolean;
  /** Longest a scrape waits for an async source (default 2 s). */
  sourceTimeoutMs?: number;
  /** Tenants with a label of their own; the rest count as `(other)` (default 50). */
  maxTenants?: number;
  /** For roomcast_build_info (default: version and commit `unknown`). */
  build?: BuildInfo;
}

/** Matches RelayHooks of @roomcast/relay-core structurally (ops does not depend on it). */
export interface RelayMetricHooks {
  onEmitted(count: number): void;
  onQuarantine(event: unknown, reason: string): void;
  onRoundFailed(error: unknown): void;
  onRound(durationMs: number, emitted: number): void;
  onLag(seconds: readonly number[]): void;
}

/** Seconds, from a millisecond up to a minute: lags and latencies. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds: database rounds and handshakes, from half a millisecond to 5 s. */
const SHORT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Events one subscribe replays (ROOMCAST_REPLAY_LIMIT defaults to 5,000). */
const REPLAY_BUCKETS = [0, 1, 10, 50, 100, 500, 1000, 5000];

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
  /** Seconds from an event's commit to this node writing it to its sockets (live events). */
  deliveryLatency: Histogram;
  /** Seconds from a socket's handshake reaching Socket.IO to its `connection` (auth, origin, quotas). */
  handshakeDuration: Histogram;
  /** Events replayed to a socket by one `subscribe`. */
  replayEvents: Histogram;
  /** `count` events committed through the publish use case for `tenant`. */
  countPublished(tenant: string, count: number): void;
  /** `count` event packets written to sockets of `tenant` (live and replayed). */
  countDelivered(tenant: string, count: number): void;
  relayHooks: RelayMetricHooks;
  /** The Prometheus text exposition. */
  text(): Promise<string>;
  contentType: string;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: options.nodeId, role: options.role });
  const registers = [registry];
  const tenants = createTenantLabels(options.maxTenants ?? 50);
  registerScrapeGauges(registry, options.sources ?? {}, tenants, options.sourceTimeoutMs ?? 2000);

  const build = { ...UNKNOWN_BUILD, ...options.build };
  new Gauge({ name: "roomcast_build_info", help: "The build this process runs (always 1)", labelNames: ["version", "commit", "node_version"], registers }).set(
    { version: build.version, commit: build.commit, node_version: build.nodeVersion ?? process.versions.node },
    1,
  );

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) => new Counter<L>({ name, help, labelNames, registers });
  const histogram = (name: string, help: string, buckets: number[], labelNames: string[] = []) => new Histogram({ name, help, buckets, labelNames, registers });

  const handshakesRefused = counter("roomcast_handshakes_refused_total", "Connections refused before or during the Socket.IO handshake, by code", ["code"]);
  const rateLimited = counter("roomcast_rate_limited_total", "Client events refused by the rate limit, by event", ["event"]);
  const adapterTimeouts = counter("roomcast_adapter_timeouts_total", "Cross-node adapter requests (serverSideEmit, fetchSockets) that timed out", ["op"]);
  const slowConsumers = counter("roomcast_slow_consumer_disconnects_total", "Sockets disconnected because more than ROOMCAST_MAX_BUFFERED_BYTES waited to be sent to them");
  const adapterMessagesReceived = counter(
    "roomcast_adapter_messages_received_total",
    "Messages this node received from Redis on the Socket.IO adapter's channels (sharded adapter; a node with no subscriber of a stream receives none of its events)",
  );
  const published = counter("roomcast_events_published_total", "Events committed through the publish use case (socket and HTTP), by tenant (bounded)", ["tenant"]);
  const delivered = counter("roomcast_events_delivered_total", "Event packets this node wrote to its sockets, live and replayed, by tenant (bounded)", ["tenant"]);
  const eventsEmitted = counter("roomcast_relay_events_emitted_total", "Outbox events the relay emitted into rooms");
  const quarantined = counter("roomcast_relay_quarantined_total", "Outbox events the relay quarantined");
  const relayRoundFailures = counter("roomcast_relay_round_failures_total", "Relay rounds that failed and were retried");

  const emitLag = histogram("roomcast_relay_emit_lag_seconds", "Seconds from an event's commit (outbox ts) to the relay's emit being flushed", LATENCY_BUCKETS);
  const roundDuration = histogram(
    "roomcast_relay_round_duration_seconds",
    "Duration of a committed relay round (one transaction), by whether it emitted anything",
    SHORT_BUCKETS,
    ["outcome"],
  );
  const deliveryLatency = histogram(
    "roomcast_delivery_latency_seconds",
    "Seconds from an event's commit (outbox ts) to this node writing it to its subscribed sockets (live events; the last network hop is not included)",
    LATENCY_BUCKETS,
  );
  const handshakeDuration = histogram("roomcast_handshake_duration_seconds", "Seconds from a Socket.IO handshake to its connection (authentication, origin, quotas)", SHORT_BUCKETS);
  const replayEvents = histogram("roomcast_subscribe_replay_events", "Events replayed to a socket by one subscribe", REPLAY_BUCKETS);

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
    deliveryLatency,
    handshakeDuration,
    replayEvents,
    countPublished: (tenant, count) => published.inc({ tenant: tenants.of(tenant) }, count),
    countDelivered: (tenant, count) => delivered.inc({ tenant: tenants.of(tenant) }, count),
    relayHooks: {
      onEmitted: (count) => eventsEmitted.inc(count),
      onQuarantine: () => quarantined.inc(),
      onRoundFailed: () => relayRoundFailures.inc(),
      onRound: (durationMs, emitted) => roundDuration.observe({ outcome: emitted > 0 ? "emitted" : "idle" }, durationMs / 1000),
      onLag: (seconds) => {
        for (const s of seconds) emitLag.observe(Math.max(0, s));
      },
    },
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
