/**
 * ValidConfig -> { plan, findings }: every address, route, LINSTOR object and step, computed once,
 * and what the planning found (subnet allocation, overlaps, topology, fallback coverage, corosync
 * survival). Pure.
 */
import { checkDrbdOption } from "../config/drbd-options.js";
import type { ResolvedConfig } from "../config/schema.js";
import { defaultVrrpPriority, disklessOnRemainingDropped, needsKeepResource } from "../config/defaults.js";
import type { CorosyncLinkSource, RingRouting, RingTopology, SecretSource, TargetVersions } from "../config/types.js";
import type { ValidConfig } from "../config/validate.js";
import { parseHostAddress, type HostAddress } from "../address.js";
import { planBench, type PlannedBench } from "./bench.js";
import {
  ringInterfacesOf,
  routesOf,
  type PlannedLink,
  type PlannedRoute,
  type PlannedRule,
  type RingInterface,
} from "./ring.js";
import { fallbackRoutingOf, measureFallbacks, RingGraph } from "./fallback.js";
import { topologyOf } from "../config/ring-links.js";
import { Findings } from "../config/findings.js";
import { catalogue } from "../diagnostics/catalogue.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { checkFallbackProtection, planRing } from "./ring-check.js";
import { planSteps, type PlannedStep } from "./steps.js";
import { nicsOf, type PlannedNic } from "./nics.js";
import { corosyncSurvival, type CorosyncSurvival } from "./corosync.js";

export interface NodeNetwork extends HostAddress {
  iface: string;
}

export interface PlannedNode {
  name: string;
  index: number;
  isFirst: boolean;
  management: NodeNetwork;
  storage: NodeNetwork;
  ringInterfaces: RingInterface[];
  /** Main-table routes; in routed-fallback also the U-turn routes (with `table`). */
  routes: PlannedRoute[];
  /** routed-fallback only: the U-turn policy rules. */
  rules?: PlannedRule[];
  /** knet link addresses, link0 first. */
  corosyncAddresses: string[];
  vrrpPriority: number;
  zfs: { pool: string; mirror: string[] };
  /** Every NIC the config names for this node (management, storage, ring), with pinned MACs. */
  nics: PlannedNic[];
  /**
   * The node that joins the Proxmox cluster just before this one (joins go one at a time, in config
   * order: two at once fail with "cluster not ready - no quorum?"); absent for the first two.
   */
  joinsAfter?: { name: string; managementIp: string };
}

export interface PlannedResourceGroup {
  name: string;
  placeCount: number;
  disklessOnRemaining: boolean;
  /** As written in the config, and as LINSTOR stores it (sizes in the option's unit, booleans lowercase). */
  drbdOptions: { name: string; value: string; stored: string }[];
}

export interface ClusterPlan {
  cluster: string;
  proxmoxRelease: number;
  /** The first node's API certificate fingerprint for `pvecm add --fingerprint`, when the config gives it. */
  proxmoxFingerprint?: string;
  /** The version contract as declared (undeclared tools are absent). */
  versions: TargetVersions;
  nodes: PlannedNode[];
  links: PlannedLink[];
  topology: RingTopology;
  routing: RingRouting;
  corosyncLinks: CorosyncLinkSource[];
  /** For each single cable fault, the node pairs left without a working knet link. */
  corosyncSurvival: CorosyncSurvival;
  linstor: {
    storagePool: { name: string; kind: "zfsthin" | "zfs" };
    resourceGroups: PlannedResourceGroup[];
    nodeProperties: [string, string][];
    keepResource: boolean;
    satelliteNotifyStartup: boolean;
    /** Controller addresses for clients: the VIP first (when one is managed), then every node's storage address. */
    controllers: string[];
    ha: {
      resourceGroup: PlannedResourceGroup;
      dbResource: string;
      dbSize: string;
      dbDevice: string;
      /** The systemd target drbd-reactor's promoter starts where the database is Primary. */
      servicesTarget: string;
      /** How many peers each node with the database resource has (every node with a replica, less one). */
      dbPeerCount: number;
      vip: { storage: HostAddress; management?: HostAddress };
      vipManager: "keepalived" | "ocf";
      onDemoteFailure: string;
    };
  };
  keepalived: {
    virtualRouterId: number;
    advertInterval: number;
    unicast: boolean;
    /** Where the password comes from; the value itself never enters the plan. */
    passwordSource: SecretSource;
  };
  pveStorage: { id: string; content: string[]; resourceGroup: string; controllers: string[] };
  prometheus?: { listen: string; enums: boolean };
  apt: {
    /** The LINBIT repository or mirror; absent when the packages come from the bundle only. */
    uri?: string;
    suite: string;
    component: string;
    keyringPath: string;
    vendoredKeyring: boolean;
    /** File names of the .deb packages carried in every bundle's debs/. */
    vendoredDebs: string[];
  };
  bench: PlannedBench;
  steps: PlannedStep[];
}

function planGroup(
  group: ResolvedConfig["linstor"]["resourceGroups"][number],
  linstor: string | undefined,
): PlannedResourceGroup {
  return {
    name: group.name,
    placeCount: group.placeCount,
    disklessOnRemaining: group.disklessOnRemaining && !disklessOnRemainingDropped(group, linstor),
    drbdOptions: Object.entries(group.drbdOptions ?? {}).map(([name, value]) => {
      const checked = checkDrbdOption(name, value, linstor);
      return { name, value, stored: checked.ok ? checked.stored : value };
    }),
  };
}

function corosyncAddress(
  source: CorosyncLinkSource,
  management: HostAddress,
  storage: HostAddress,
  ring: RingInterface[],
): string {
  switch (source) {
    case "ring-a":
      return ring[0].ip;
    case "ring-b":
      return ring[1].ip;
    case "management":
      return management.ip;
    case "storage":
      return storage.ip;
  }
}

/**
 * Where the LINBIT keyring is: a vendored one goes to /etc/apt/keyrings/, which apt trusts only for
 * the sources that name it (Signed-By), as Debian recommends; one the linbit-keyring package
 * installed is where that package puts it.
 */
export const VENDORED_KEYRING_PATH = "/etc/apt/keyrings/linbit-keyring.gpg";
export const PACKAGED_KEYRING_PATH = "/etc/apt/trusted.gpg.d/linbit-keyring.gpg";

/**
 * A name as drbd-reactor escapes it into a unit name (src/systemd.rs `escape_name`): letters, digits,
 * ":" and "_" stay, "." too except first, "/" becomes "-", any other byte \xNN.
 */
export function systemdEscape(name: string): string {
  return [...Buffer.from(name, "utf8")]
    .map((b, i) => {
      const c = String.fromCharCode(b);
      if (c === "/") return "-";
      if (/[:_0-9a-zA-Z]/.test(c) || (c === "." && i > 0)) return c;
      return `\\x${b.toString(16).padStart(2, "0")}`;
    })
    .join("");
}

export type PlanResult = { plan: ClusterPlan; findings: Diagnostic[] } | { plan?: undefined; findings: Diagnostic[] };

/** The plan, or no plan when a finding is an error. */
export function planCluster(valid: ValidConfig): PlanResult {
  const f = new Findings();
  const links = planRing(valid.config, valid.ringLinks, valid.claimedAddresses, f);
  if (!links) return { findings: f.list };
  const plan = buildPlan(valid, links);
  if (plan.routing === "routed-fallback") checkFallbackProtection(plan.nodes, valid.ringLinks, links, f);
  if (f.errors.length > 0) return { findings: f.list };
  const isolating = plan.corosyncSurvival.isolating[0];
  if (isolating) {
    const { cut, pairs, pairCount } = isolating;
    f.add(
      catalogue.corosyncCutIsolates,
      ["corosync", "links"],
      cut.label,
      `${pairs[0][0]} and ${pairs[0][1]}`,
      pairCount - 1,
    );
  }
  return { plan, findings: f.list };
}

function buildPlan(valid: ValidConfig, links: PlannedLink[]): ClusterPlan {
  const { config } = valid;
  const nodeNames = config.nodes.map((n) => n.name);
  const routing = config.ring.routing;
  const graph = new RingGraph(nodeNames, links);
  const corosyncLinks = config.corosync.links;
  const ha = config.linstor.ha;
  const vipManager = ha.vipManager;

  const planned: PlannedNode[] = config.nodes.map((node, index) => {
    const management = { iface: node.management.iface, ...parseHostAddress(node.management.address) };
    const storage = { iface: node.storage.iface, ...parseHostAddress(node.storage.address) };
    const ringInterfaces = ringInterfacesOf(node.name, links);
    return {
      name: node.name,
      index,
      isFirst: index === 0,
      management,
      storage,
      ringInterfaces,
      ...(routing === "routed-fallback"
        ? fallbackRoutingOf(node.name, graph)
        : { routes: routesOf(node.name, nodeNames, links) }),
      corosyncAddresses: corosyncLinks.map((source) => corosyncAddress(source, management, storage, ringInterfaces)),
      vrrpPriority: node.vrrpPriority ?? defaultVrrpPriority(index),
      zfs: { pool: node.zfs.pool, mirror: [...node.zfs.mirror] },
      nics: nicsOf(node, ringInterfaces),
    };
  });
  // Joins go one at a time in config order: from the second joiner on, each follows the one before.
  planned.forEach((node, index) => {
    if (index >= 2) node.joinsAfter = { name: planned[index - 1].name, managementIp: planned[index - 1].management.ip };
  });

  const nodes = routing === "routed-fallback" ? measureFallbacks(planned) : planned;

  const vipStorage = parseHostAddress(ha.vip.storage);
  const controllers = [vipStorage.ip, ...nodes.map((n) => n.storage.ip)];
  const release = config.proxmox.release;
  const prometheus = config.monitoring?.prometheus;
  const bench = planBench(config.bench);

  return {
    cluster: config.name,
    proxmoxRelease: release,
    ...(config.proxmox.fingerprint !== undefined
      ? { proxmoxFingerprint: config.proxmox.fingerprint.toUpperCase() }
      : {}),
    versions: { ...config.versions },
    nodes,
    links,
    topology: topologyOf(config),
    routing,
    corosyncLinks,
    corosyncSurvival: corosyncSurvival(nodes, links, corosyncLinks),
    linstor: {
      storagePool: { ...config.linstor.storagePool },
      resourceGroups: config.linstor.resourceGroups.map((g) => planGroup(g, config.versions?.linstor)),
      nodeProperties: Object.entries(config.linstor.nodeProperties),
      keepResource: needsKeepResource(config),
      satelliteNotifyStartup: config.linstor.satellite.notifyStartup,
      controllers,
      ha: {
        resourceGroup: planGroup(ha.resourceGroup, config.versions?.linstor),
        dbResource: ha.dbResource,
        dbSize: ha.dbSize,
        dbDevice: `/dev/drbd/by-res/${ha.dbResource}/0`,
        servicesTarget: `drbd-services@${systemdEscape(ha.dbResource)}.target`,
        dbPeerCount:
          (ha.resourceGroup.disklessOnRemaining ? nodes.length : Math.min(ha.resourceGroup.placeCount, nodes.length)) -
          1,
        vip: { storage: vipStorage, ...(ha.vip.management ? { management: parseHostAddress(ha.vip.management) } : {}) },
        vipManager,
        onDemoteFailure: ha.onDemoteFailure,
      },
    },
    keepalived: {
      virtualRouterId: config.keepalived.virtualRouterId,
      advertInterval: config.keepalived.advertInterval,
      unicast: config.keepalived.unicast,
      passwordSource: config.keepalived.password,
    },
    pveStorage: {
      id: config.pveStorage.id,
      content: [...config.pveStorage.content],
      resourceGroup: config.pveStorage.resourceGroup,
      controllers,
    },
    ...(prometheus ? { prometheus: { listen: prometheus.listen, enums: prometheus.enums } } : {}),
    apt: {
      ...(config.apt.linbit !== undefined
        ? { uri: config.apt.linbit.endsWith("/") ? config.apt.linbit : `${config.apt.linbit}/` }
        : {}),
      suite: `proxmox-${release}`,
      component: "drbd-9",
      keyringPath: valid.keyring !== undefined ? VENDORED_KEYRING_PATH : PACKAGED_KEYRING_PATH,
      vendoredKeyring: valid.keyring !== undefined,
      vendoredDebs: (valid.debs ?? []).map((d) => d.name),
    },
    bench,
    steps: planSteps({ keepalived: vipManager === "keepalived", prometheus: prometheus !== undefined }),
  };
}
