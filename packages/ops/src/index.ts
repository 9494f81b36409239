export { UNKNOWN_BUILD, type BuildInfo } from "./build-info";
export { createLogger, REDACT_PATHS } from "./create-logger";
export { createMetrics, type Metrics, type MetricsOptions, type RelayMetricHooks } from "./metrics";
export { createMetricsServer, type MetricsServer } from "./metrics-server";
export { type BacklogFigures, type MetricsSources } from "./scrape-gauges";
export { createTenantLabels, OTHER_TENANT, type TenantLabels } from "./tenant-labels";
export { withTimeout } from "./with-timeout";
