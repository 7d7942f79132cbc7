/**
 * What a node's read-only checks look at (`run.sh preflight`, `run.sh verify`, `run.sh check`),
 * derived from the plan. Pure: the shell that runs the checks lives in templates/run/checks/.
 */
import type { ClusterPlan, PlannedNode } from "./plan.js";

/** An address this node will carry, probed for a duplicate on its link before anything changes. */
export interface OwnAddress {
  iface: string;
  ip: string;
  what: string;
}

/** Another node's ring address, pinged by `verify`. */
export interface PeerAddress {
  node: string;
  ip: string;
  what: string;
}

export interface NodeChecks {
  /** Debian major release that goes with the targeted Proxmox VE release (PVE 9 = Debian 13). */
  debianRelease: number;
  ownAddresses: OwnAddress[];
  peerRingAddresses: PeerAddress[];
  /** The VIP addresses (plain IPs) that must sit on the node whose DRBD holds the controller database. */
  vips: string[];
  /** Where the drbd-reactor Prometheus exporter answers, when the config enables it. */
  prometheus?: { host: string; port: number };
  /**
   * Directories whose every file a service reads (drop-in and snippet directories): a file there
   * that the bundle does not install changes behaviour, so `check` reports it as added (only for
   * the directories the bundle installs into).
   */
  snippetDirs: readonly SnippetDir[];
  /** What the node must have installed, as major.minor, from the config's version contract. */
  installedVersions: InstalledVersions;
  /** The other nodes' management addresses: preflight pings each (the cluster join needs them). */
  peerManagementAddresses: PeerAddress[];
  /** Where the packages come from when not only from the bundle: preflight opens a TCP connection. */
  repository?: { host: string; port: number };
  /** Free space preflight wants under /var (packages, kernel headers, the DKMS build), in MiB. */
  minFreeVarMiB: number;
}

/** Headers, DKMS build and the LINSTOR packages take well under a GiB; a GiB leaves room. */
export const MIN_FREE_VAR_MIB = 1024;

/** The host and port of an http(s) repository URI (the port its scheme implies when none is given). */
export function repositoryEndpoint(uri: string): { host: string; port: number } {
  const url = new URL(uri);
  const port = url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port };
}

/**
 * The version contract checked on the node once the packages are in: each Debian package whose
 * version must start with a target's major.minor, and the DRBD kernel module's (sysfs) version.
 */
export interface InstalledVersions {
  packages: { package: string; majorMinor: string }[];
  drbdModule?: string;
}

/** The Debian packages that carry each tool of the version contract (keepalived has its own step). */
const PACKAGES_OF: Record<"linstor" | "drbdReactor" | "keepalived", string[]> = {
  linstor: ["linstor-controller", "linstor-satellite"],
  drbdReactor: ["drbd-reactor"],
  keepalived: ["keepalived"],
};

/** "1.31.3" and "1.31" → "1.31"; the contract binds major.minor (patch releases are fixes). */
export function majorMinor(version: string): string {
  return version.split(".").slice(0, 2).join(".");
}

export function installedVersionsOf(plan: ClusterPlan): InstalledVersions {
  const versions = plan.versions;
  const packages = (["linstor", "drbdReactor", "keepalived"] as const).flatMap((tool) => {
    const version = versions[tool];
    return version === undefined ? [] : PACKAGES_OF[tool].map((p) => ({ package: p, majorMinor: majorMinor(version) }));
  });
  return { packages, ...(versions.drbd !== undefined ? { drbdModule: majorMinor(versions.drbd) } : {}) };
}

/** A directory and the names in it that its reader loads, e.g. every `*.toml`. */
export interface SnippetDir {
  dir: string;
  pattern: string;
}

/** drbd-reactor loads every `*.toml` of its snippets directory, systemd every `*.conf` drop-in. */
export const SNIPPET_DIRS: readonly SnippetDir[] = [
  { dir: "etc/drbd-reactor.d", pattern: "*.toml" },
  { dir: "etc/systemd/system/linstor-satellite.service.d", pattern: "*.conf" },
  { dir: "etc/systemd/system/linstor-controller.service.d", pattern: "*.conf" },
];

/** Debian major = Proxmox VE major + 4 (LINBIT's `PVERS=$(( VERSION_ID - 4 ))`). */
export function debianReleaseOf(proxmoxRelease: number): number {
  return proxmoxRelease + 4;
}

/** "0.0.0.0:9942" and ":9942" are probed on 127.0.0.1; "[::]:9942" on ::1; any other host as written. */
export function prometheusProbe(listen: string): { host: string; port: number } {
  const at = listen.lastIndexOf(":");
  const host = listen.slice(0, at).replace(/^\[(.*)\]$/, "$1");
  const port = Number(listen.slice(at + 1));
  if (host === "" || host === "0.0.0.0") return { host: "127.0.0.1", port };
  if (host === "::") return { host: "::1", port };
  return { host, port };
}

export function nodeChecksOf(plan: ClusterPlan, node: PlannedNode): NodeChecks {
  const ownAddresses: OwnAddress[] = [
    { iface: node.management.iface, ip: node.management.ip, what: "management" },
    { iface: node.storage.iface, ip: node.storage.ip, what: "storage" },
    ...node.ringInterfaces.map((r) => ({ iface: r.nic, ip: r.ip, what: `ring link to ${r.peer.node}` })),
  ];
  const peerRingAddresses = plan.nodes
    .filter((n) => n.name !== node.name)
    .flatMap((n) => n.ringInterfaces.map((r) => ({ node: n.name, ip: r.ip, what: `${n.name} ${r.nic}` })));
  const vip = plan.linstor.ha.vip;
  return {
    debianRelease: debianReleaseOf(plan.proxmoxRelease),
    ownAddresses,
    peerRingAddresses,
    vips: [vip.storage.ip, ...(vip.management ? [vip.management.ip] : [])],
    ...(plan.prometheus ? { prometheus: prometheusProbe(plan.prometheus.listen) } : {}),
    snippetDirs: SNIPPET_DIRS,
    installedVersions: installedVersionsOf(plan),
    peerManagementAddresses: plan.nodes
      .filter((n) => n.name !== node.name)
      .map((n) => ({ node: n.name, ip: n.management.ip, what: `${n.name} management` })),
    ...(plan.apt.uri !== undefined ? { repository: repositoryEndpoint(plan.apt.uri) } : {}),
    minFreeVarMiB: MIN_FREE_VAR_MIB,
  };
}
