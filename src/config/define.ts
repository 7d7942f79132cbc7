import type { ClusterConfig } from "./types.js";

/** Identity function that gives editors completion and type errors on a cluster description. */
export function defineCluster(config: ClusterConfig): ClusterConfig {
  return config;
}
