/**
 * What a process runs, for `roomcast_build_info{version,commit,node_version} 1` (the
 * Prometheus "info" pattern: join it onto other series by `node` to see which build
 * answered). `version` is the package's, `commit` the image build's ROOMCAST_BUILD_COMMIT.
 */
export interface BuildInfo {
  version: string;
  commit: string;
  /** Node.js, e.g. `20.20.0` (default: this process's). */
  nodeVersion?: string;
}

export const UNKNOWN_BUILD: BuildInfo = { version: "unknown", commit: "unknown" };
