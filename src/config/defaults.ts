/**
 * The defaults that depend on other fields or on the target versions (constant defaults are in
 * schema.ts), and the version comparisons they rest on.
 */
import type { ClusterConfig } from "./types.js";

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
