/** Defaults for optional config fields, applied after validation. */
import type { BenchNetwork, ClusterConfig, CorosyncLinkSource } from "./types.js";

export const DEFAULT_RING_PREFIX = 29;
export const DEFAULT_COROSYNC_LINKS: CorosyncLinkSource[] = ["ring-a", "ring-b"];
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

/** LINSTOR releases before 1.32 need LS_KEEP_RES so the satellite leaves the controller's DRBD resource alone. */
export function needsKeepResource(config: ClusterConfig): boolean {
  const version = config.linstor.version;
  if (version === undefined) return true;
  const [major, minor] = version.split(".").map(Number);
  return major < 1 || (major === 1 && minor < 32);
}
