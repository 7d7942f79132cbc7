/** Defaults for optional config fields, applied after validation. */
import type { BenchNetwork, ClusterConfig, CorosyncLinkSource, RingRouting } from "./types.js";

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

/**
 * LINSTOR before 1.33 needs LS_KEEP_RES so the satellite leaves the controller's DRBD resource alone
 * (1.32.3's StltEnvParser.java still reads it; CHANGELOG.md 1.33.0-rc.1: "Do not delete known Linstor
 * drbd res files, LS_KEEP_RES is now obsolete"); kept when the version is unknown.
 */
export function needsKeepResource(config: ClusterConfig): boolean {
  const version = config.versions?.linstor;
  return version === undefined || compareVersions(version, "1.33") < 0;
}

/**
 * The oldest drbd-reactor whose promoter reads `on-drbd-demote-failure`: 0.5.0 added it and has
 * ignored `on-stop-failure` since ("deprecated and ignored", src/plugin/promoter.rs at v0.5.0).
 */
export const MIN_DRBD_REACTOR = "0.5";

/**
 * From LINSTOR 1.34 the diskless resources `--diskless-on-remaining` creates are DRBD clients without
 * a quorum vote ("diskless on remaining are by default client-only (no quorum vote)",
 * CtrlRscAutoPlaceApiCallHandler.java at v1.34.0-rc.1). An even number of diskful replicas then has
 * no tiebreaker from them: such a group is created without the flag, so that LINSTOR's automatic
 * tiebreaker (a voting diskless peer) is placed instead. Unknown versions keep the flag.
 */
export const LINSTOR_CLIENT_DISKLESS = "1.34";
export function disklessOnRemainingDropped(
  group: { placeCount: number; disklessOnRemaining?: boolean },
  linstor: string | undefined,
): boolean {
  return (
    group.disklessOnRemaining === true &&
    group.placeCount % 2 === 0 &&
    linstor !== undefined &&
    compareVersions(linstor, LINSTOR_CLIENT_DISKLESS) >= 0
  );
}

/** How the ring routes: "routed" unless the config says otherwise. */
export function routingOf(config: ClusterConfig): RingRouting {
  return config.ring.routing ?? "routed";
}
