export { createLogger, REDACT_PATHS } from "./create-logger";
export { createMetrics, type BacklogFigures, type Metrics, type MetricsOptions, type MetricsSources, type RelayMetricHooks } from "./metrics";
export { createMetricsServer, type MetricsServer } from "./metrics-server";
export { withTimeout } from "./with-timeout";
