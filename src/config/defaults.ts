/** Defaults for optional config fields, applied after validation. */
import type { BenchNetwork, ClusterConfig, CorosyncLinkSource } from "./types.js";

export const DEFAULT_RING_PREFIX = 29;
/**
 * knet link0 on the ring (its own cables, low latency), link1 on the management network: no single
 * cable carries both, so every pair of nodes keeps a working link whatever one cable fails. Both on
 * the ring shared a cable between adjacent nodes (plan/corosync.ts finds which pairs a cut isolates).
 */
export const DEFAULT_COROSYNC_LINKS: CorosyncLinkSource[] = ["ring-a", "management"];
export const DEFAULT_NODE_PROPERTIES: Record<string, string> = { "DrbdOptions/AutoEvictAllowEviction": "false" };
export const DEFAULT_PROXMOX_RELEASE = 9;
export const DEFAULT_ADVERT_INTERVAL = 1;
export const DEFAULT_IPERF3_PORT = 5201;
export const DEFAULT_BENCH_NETWORKS: BenchNetwork[] = ["ring", "storage"];
export const DEFAULT_MIN_SHARE_OF_LINE_RATE = 0.9;
export const DEFAULT_SYNC_WRITE_P99_MS = 5;
export const DEFAULT_ON_DEMOTE_FAILURE = "reboot";

/** VRRP priority of the node at `index` when the config gives none: 150, 140, 130, ... (never below 1). */
export function defaultVrrpPriority(index: number): number {
  return Math.max(1, 150 - 10 * index);
}

/** Compares dotted versions numerically: negative when a < b. Missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** LINSTOR before 1.32 needs LS_KEEP_RES so the satellite leaves the controller's DRBD resource alone; kept when unknown. */
export function needsKeepResource(config: ClusterConfig): boolean {
  const version = config.versions?.linstor;
  return version === undefined || compareVersions(version, "1.32") < 0;
}

/** drbd-reactor renamed the promoter's `on-stop-failure` to `on-drbd-demote-failure` in 1.8.0. */
export function demoteFailureKey(config: ClusterConfig): "on-drbd-demote-failure" | "on-stop-failure" {
  const version = config.versions?.drbdReactor;
  return version !== undefined && compareVersions(version, "1.8") < 0 ? "on-stop-failure" : "on-drbd-demote-failure";
}
