/**
 * Semantic validation: everything the types cannot say. Collects every finding with the config
 * path of the offending value; the caller turns paths into file positions.
 */
import { catalogue } from "../diagnostics/catalogue.js";
import type { ConfigPath, Diagnostic } from "../diagnostics/diagnostic.js";
import {
  isNetworkOrBroadcast,
  isValidHostAddress,
  isValidNetwork,
  networkContains,
  networksOverlap,
  parseHostAddress,
  usableHosts,
} from "../plan/address.js";
import { allocateLinkSubnets, planLinks } from "../plan/ring.js";
import { posix } from "node:path";
import {
  compareVersions,
  DEFAULT_BENCH_NETWORKS,
  DEFAULT_COROSYNC_LINKS,
  DEFAULT_RING_PREFIX,
  MIN_DRBD_REACTOR,
  disklessOnRemainingDropped,
} from "./defaults.js";
import { checkDrbdOption, drbdOptionSource } from "./drbd-options.js";
import { Findings } from "./findings.js";
import { resolveSecret } from "./secrets.js";
import { CLUSTER_SHAPE, shapeProblems } from "./shape.js";
import type { BenchNetwork, ClusterConfig, RingLink, SecretSource } from "./types.js";
import { checkFallbackCoverage, checkTopology } from "./validate-ring.js";
import { validateApt, type VendoredDeb } from "./validate-apt.js";

export { validAptUrl } from "./validate-apt.js";
import { ringLinksOf, ringNicCount, topologyOf } from "../plan/topology.js";

export interface ResolvedSecrets {
  vrrpPassword: string;
}

export interface ValidConfig {
  config: ClusterConfig;
  /** The ring links, as written or derived from the nodes' ringNics, in link order. */
  ringLinks: RingLink[];
  /** Every ring link's subnet, explicit or allocated, in link order. */
  linkSubnets: string[];
  secrets: ResolvedSecrets;
  /** Bytes of the vendored LINBIT keyring, when the config names one. */
  keyring?: Buffer;
  /** Vendored .deb packages (apt.debs), by file name, sorted. */
  debs?: VendoredDeb[];
  /** SHA-256 of the config module's text (set by the pipeline, which has the text). */
  configSha256?: string;
}

export interface ValidationContext {
  /** Absolute path of the config module (secrets and vendored files are relative to it). */
  configFile: string;
  env?: NodeJS.ProcessEnv;
  /**
   * False for what needs no secret value (check, plan): a secret that is not there (variable
   * unset, file absent) is then a warning, so that a CI gate needs no secret. Default true.
   */
  secretsRequired?: boolean;
}

export type ValidationResult =
  { ok: true; valid: ValidConfig; warnings: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

// Name rules.
export const HOSTNAME_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const INTERFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;
/** A MAC address as Linux prints it in /sys/class/net/NAME/address (either case accepted). */
export const MAC_ADDRESS = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;
export const LINSTOR_NAME = /^[A-Za-z][A-Za-z0-9_-]{1,47}$/;
export const ZFS_POOL_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,199}$/;
export const DEVICE_PATH = /^\/dev\/[A-Za-z0-9_.:/-]+$/;
export const CLUSTER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,14}$/;
/** Proxmox `pve-storage-id`: a letter, then letters, digits, "-", "_", ".", ending in a letter or digit. */
export const PVE_STORAGE_ID = /^[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9]$/;
export const SIZE = /^[1-9][0-9]*(K|M|G|T)(iB|B)?$/;
export const DRBD_OPTION_KEY = /^[a-z][a-z0-9-]*$/;
export const PLAIN_VALUE = /^[A-Za-z0-9_.:,/-]+$/;
export const PROPERTY_KEY = /^[A-Za-z0-9][A-Za-z0-9/_-]*$/;
export const VERSION = /^[0-9]+\.[0-9]+(\.[0-9]+)?$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** keepalived PASS: printable ASCII without space, quotes, comment starters (#, !), "$", "\" or braces. */
export const VRRP_PASSWORD = /^[A-Za-z0-9%&()*+,./:;<=>?@[\]^_`|~-]{1,8}$/;
export const ABSOLUTE_PATH = /^\/[A-Za-z0-9_./-]+$/;
export const JOB_NAME = /^[a-z][a-z0-9-]{0,62}$/;
export const BLOCK_SIZE = /^[1-9][0-9]*[kKmM]?$/;
export const BENCH_NETWORKS: readonly BenchNetwork[] = ["ring", "storage", "management"];
/** zpool create's vdev words: "log", and any name starting with mirror, raidz, draid or spare. */
export const ZFS_RESERVED_POOL_NAMES = /^(mirror|raidz|draid|spare)|^log$/;
/** Names glibc's inet_aton() reads as an IPv4 address (all digits, or 0x hex): never a hostname. */
const NUMERIC_HOSTNAME = /^(\d+|0x[0-9a-f]*)$/i;
/** Names of net.ipv4.conf's keys for every interface: no NIC may be called so. */
const RESERVED_INTERFACE_NAMES = new Set(["all", "default"]);

/** The largest cluster homegarden plans (Proxmox itself documents clusters far smaller). */
export const MAX_NODES = 1024;
/** The most ring links (cables): a full mesh of 91 nodes has 4,095. */
export const MAX_RING_LINKS = 4096;

function isInt(n: unknown, min: number, max: number): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= min && n <= max;
}

/** LINSTOR names (resources, groups, storage pools): 2-48 characters, and "all" is reserved by the client. */
function validLinstorName(name: string): boolean {
  return LINSTOR_NAME.test(name) && name.toLowerCase() !== "all";
}

function validInterfaceName(name: string): boolean {
  return INTERFACE_NAME.test(name) && name !== "." && name !== "..";
}

/** The config must have the declared kinds everywhere before any rule reads it (see shape.ts). */
function checkShape(config: unknown, f: Findings): config is ClusterConfig {
  const problems = shapeProblems(config, CLUSTER_SHAPE);
  for (const p of problems) {
    if ("expected" in p) f.add(catalogue.shapeInvalid, p.path, p.expected);
    else f.add(catalogue.unknownKey, p.path, p.unknownKey, p.suggestion, p.known.join(", "));
  }
  if (problems.length > 0) return false;
  // Bounded work: past this size the plan would take minutes and gigabytes (checked before planning).
  const { nodes, ring } = config as ClusterConfig;
  if (nodes.length > MAX_NODES) f.add(catalogue.clusterTooLarge, ["nodes"], nodes.length, "nodes", MAX_NODES);
  const links = ring.links?.length ?? 0;
  if (links > MAX_RING_LINKS) f.add(catalogue.clusterTooLarge, ["ring", "links"], links, "ring links", MAX_RING_LINKS);
  return f.errors.length === 0;
}

interface DeclaredNetwork {
  network: string;
  path: ConfigPath;
  label: string;
}

export function validateConfig(input: unknown, context: ValidationContext): ValidationResult {
  const f = new Findings();
  if (!checkShape(input, f)) return { ok: false, diagnostics: f.list };
  const config = input;
  const nodes = config.nodes;

  if (!CLUSTER_NAME.test(config.name)) f.add(catalogue.clusterNameInvalid, ["name"], config.name);
  if (nodes.length < 3) f.add(catalogue.tooFewNodes, ["nodes"], nodes.length);
  else if (nodes.length % 2 === 0) f.add(catalogue.evenNodeCount, ["nodes"], nodes.length);

  // Nodes: names, interfaces, addresses, ZFS.
  const seenNames = new Set<string>();
  const addressOwners = new Map<string, string>();
  const claimAddress = (cidr: string, where: string, path: ConfigPath): void => {
    const ip = cidr.split("/")[0];
    const previous = addressOwners.get(ip);
    if (previous !== undefined) f.add(catalogue.addressDuplicate, path, ip, previous);
    else addressOwners.set(ip, where);
  };
  const checkHostAddress = (value: string, path: ConfigPath): boolean => {
    if (!isValidHostAddress(value)) {
      f.add(catalogue.addressInvalid, path, value);
      return false;
    }
    if (isNetworkOrBroadcast(value)) {
      f.add(catalogue.addressIsNetworkOrBroadcast, path, value);
      return false;
    }
    return true;
  };

  const networkOf: Record<"management" | "storage", string | undefined> = { management: undefined, storage: undefined };
  nodes.forEach((node, i) => {
    if (!HOSTNAME_LABEL.test(node.name)) f.add(catalogue.nodeNameInvalid, ["nodes", i, "name"], node.name);
    else if (NUMERIC_HOSTNAME.test(node.name)) f.add(catalogue.nodeNameNumeric, ["nodes", i, "name"], node.name);
    else if (seenNames.has(node.name)) f.add(catalogue.nodeNameDuplicate, ["nodes", i, "name"], node.name);
    seenNames.add(node.name);
    for (const net of ["management", "storage"] as const) {
      const { iface, address } = node[net];
      if (!validInterfaceName(iface)) f.add(catalogue.interfaceNameInvalid, ["nodes", i, net, "iface"], iface);
      else if (RESERVED_INTERFACE_NAMES.has(iface))
        f.add(catalogue.interfaceNameReserved, ["nodes", i, net, "iface"], iface);
      const mac = node[net].mac;
      if (mac !== undefined && !MAC_ADDRESS.test(mac)) f.add(catalogue.macInvalid, ["nodes", i, net, "mac"], mac);
      if (checkHostAddress(address, ["nodes", i, net, "address"])) {
        claimAddress(address, `nodes[${i}].${net}.address`, ["nodes", i, net, "address"]);
        const network = parseHostAddress(address).network;
        const first = networkOf[net];
        if (first === undefined) networkOf[net] = network;
        else if (first !== network)
          f.add(catalogue.nodeNetworkMismatch, ["nodes", i, net, "address"], net, node.name, network, first);
      }
    }
    if (node.vrrpPriority !== undefined && !isInt(node.vrrpPriority, 1, 254))
      f.add(catalogue.priorityInvalid, ["nodes", i, "vrrpPriority"], node.vrrpPriority);
    const { pool, mirror } = node.zfs;
    if (!ZFS_POOL_NAME.test(pool)) f.add(catalogue.zfsPoolNameInvalid, ["nodes", i, "zfs", "pool"], pool);
    else if (ZFS_RESERVED_POOL_NAMES.test(pool))
      f.add(catalogue.zfsPoolNameReserved, ["nodes", i, "zfs", "pool"], pool);
    if (mirror.length < 2) f.add(catalogue.mirrorTooSmall, ["nodes", i, "zfs", "mirror"], mirror.length);
    const seenDevices = new Set<string>();
    mirror.forEach((device, d) => {
      // "/dev/./nvme0n1" and "/dev//nvme0n1" are "/dev/nvme0n1": the same disk.
      const disk = posix.normalize(device);
      if (!DEVICE_PATH.test(device) || device.split("/").includes(".."))
        f.add(catalogue.devicePathInvalid, ["nodes", i, "zfs", "mirror", d], device);
      else if (seenDevices.has(disk)) f.add(catalogue.devicePathDuplicate, ["nodes", i, "zfs", "mirror", d], device);
      seenDevices.add(disk);
    });
  });

  // Declared networks: management, storage, avoid list, link subnets.
  const declared: DeclaredNetwork[] = [];
  if (networkOf.management)
    declared.push({
      network: networkOf.management,
      path: ["nodes", 0, "management", "address"],
      label: "management network",
    });
  if (networkOf.storage)
    declared.push({ network: networkOf.storage, path: ["nodes", 0, "storage", "address"], label: "storage network" });

  const ring = config.ring;
  const prefix = ring.prefix ?? DEFAULT_RING_PREFIX;
  if (ring.prefix !== undefined && !isInt(ring.prefix, 16, 31))
    f.add(catalogue.prefixInvalid, ["ring", "prefix"], ring.prefix);
  if (ring.pool !== undefined && !isValidNetwork(ring.pool))
    f.add(catalogue.networkInvalid, ["ring", "pool"], ring.pool);
  const avoid = ring.avoid ?? [];
  const validAvoid: string[] = [];
  avoid.forEach((net, i) => {
    if (!isValidNetwork(net)) f.add(catalogue.networkInvalid, ["ring", "avoid", i], net);
    else validAvoid.push(net);
  });

  // Ring links: ends, NICs, explicit subnets.
  const nicUse = new Map<string, string>();
  nodes.forEach((node, i) => {
    for (const net of ["management", "storage"] as const)
      nicUse.set(`${node.name}/${node[net].iface}`, `nodes[${i}].${net}`);
  });
  let linksUsable = true;
  const topology = topologyOf(config);
  if (ring.links) {
    nodes.forEach((node, i) => {
      if (node.ringNics !== undefined) f.add(catalogue.ringNicsUnused, ["nodes", i, "ringNics"], node.name);
    });
  } else if (topology === "graph") {
    f.add(catalogue.graphNeedsLinks, ["ring", "topology"]);
    linksUsable = false;
  } else {
    const wanted = ringNicCount(topology, nodes.length);
    nodes.forEach((node, i) => {
      const count = node.ringNics?.length ?? 0;
      if (count !== wanted) {
        const path: ConfigPath = node.ringNics ? ["nodes", i, "ringNics"] : ["nodes", i, "name"];
        f.add(catalogue.ringNicsCount, path, node.name, count, topology, wanted);
        linksUsable = false;
      }
    });
  }
  if (ring.mtu !== undefined && !isInt(ring.mtu, 576, 9216)) f.add(catalogue.mtuInvalid, ["ring", "mtu"], ring.mtu);
  const ringLinks = ringLinksOf(config);
  if (linksUsable) {
    ringLinks.links.forEach((link, i) => {
      const origin = ringLinks.origins[i];
      for (const side of ["a", "b"] as const) {
        const [nodeName, nic] = link[side];
        if (!seenNames.has(nodeName)) {
          f.add(catalogue.unknownNode, origin[side], nodeName);
          linksUsable = false;
        }
        if (!validInterfaceName(nic)) f.add(catalogue.interfaceNameInvalid, origin[side], nic);
        else if (RESERVED_INTERFACE_NAMES.has(nic)) f.add(catalogue.interfaceNameReserved, origin[side], nic);
        const key = `${nodeName}/${nic}`;
        const other = nicUse.get(key);
        if (other !== undefined) f.add(catalogue.nicUsedTwice, origin[side], nodeName, nic, other);
        else nicUse.set(key, origin.label);
      }
      if (link.a[0] === link.b[0]) {
        f.add(catalogue.selfLink, origin.link, link.a[0]);
        linksUsable = false;
      }
      if (link.mtu !== undefined && !isInt(link.mtu, 576, 9216))
        f.add(catalogue.mtuInvalid, [...origin.link, "mtu"], link.mtu);
      if (link.subnet !== undefined) {
        if (!isValidNetwork(link.subnet)) {
          f.add(catalogue.networkInvalid, [...origin.link, "subnet"], link.subnet);
          linksUsable = false;
        } else if (usableHosts(link.subnet) < 2) {
          f.add(catalogue.subnetTooSmall, [...origin.link, "subnet"], link.subnet);
          linksUsable = false;
        }
      }
      if (link.addresses !== undefined) {
        const path: ConfigPath = [...origin.link, "addresses"];
        if (link.subnet === undefined) {
          f.add(catalogue.linkAddressesNeedSubnet, path);
          linksUsable = false;
        } else if (linksUsable && isValidNetwork(link.subnet)) {
          link.addresses.forEach((address, end) => {
            const prefix = link.subnet!.split("/")[1];
            if (!isValidHostAddress(`${address}/${prefix}`)) {
              f.add(catalogue.addressInvalid, [...path, end], address);
              linksUsable = false;
            } else if (!networkContains(link.subnet!, address)) {
              f.add(catalogue.linkAddressOutsideSubnet, [...path, end], address, link.subnet!, origin.label);
              linksUsable = false;
            } else if (isNetworkOrBroadcast(`${address}/${prefix}`)) {
              f.add(catalogue.linkAddressReserved, [...path, end], address, link.subnet!);
              linksUsable = false;
            }
          });
        }
      }
    });
  }

  // VIPs.
  const ha = config.linstor.ha;
  for (const kind of ["storage", "management"] as const) {
    const vip = ha.vip[kind];
    if (vip === undefined) continue;
    const path: ConfigPath = ["linstor", "ha", "vip", kind];
    if (!checkHostAddress(vip, path)) continue;
    const vipIp = vip.split("/")[0];
    const owner = nodes.find((n) => isValidHostAddress(n[kind].address) && n[kind].address.split("/")[0] === vipIp);
    if (owner) {
      f.add(catalogue.vipAddressTaken, path, vip, owner.name);
      continue;
    }
    claimAddress(vip, `linstor.ha.vip.${kind}`, path);
    // Every node's address on this network is in one shared network (HG210 otherwise), so the VIP
    // fits every node's interface exactly when it fits that network; a node that breaks HG210 is
    // reported there, not here as well.
    const shared = networkOf[kind];
    const owner0 = nodes.find((n) => isValidHostAddress(n[kind].address) && !isNetworkOrBroadcast(n[kind].address));
    if (shared === undefined || owner0 === undefined) continue;
    if (!networkContains(shared, vipIp)) f.add(catalogue.vipOutsideSubnet, path, vip, owner0.name, shared);
    else if (parseHostAddress(vip).network !== shared)
      f.add(catalogue.vipPrefixMismatch, path, vip, owner0.name, owner0[kind].address);
  }

  // Subnet allocation and overlaps.
  let linkSubnets: string[] = [];
  if (linksUsable && f.errors.length === 0) {
    const reserved = [...declared.map((d) => d.network), ...validAvoid];
    const allocation = allocateLinkSubnets(ringLinks.links, ring.pool, prefix, reserved);
    if (!allocation.ok) {
      const origin = ringLinks.origins[allocation.linkIndex];
      if (!ring.pool) f.add(catalogue.poolMissing, origin.link, origin.label);
      else f.add(catalogue.poolExhausted, ["ring", "pool"], ring.pool, prefix, origin.label);
    } else {
      linkSubnets = allocation.subnets;
      linkSubnets.forEach((subnet, i) => {
        const origin = ringLinks.origins[i];
        const path: ConfigPath = ringLinks.links[i].subnet ? [...origin.link, "subnet"] : origin.link;
        declared.push({ network: subnet, path, label: origin.label });
      });
      const errorsBeforeOverlaps = f.errors.length;
      for (let i = 0; i < declared.length; i += 1) {
        for (let j = 0; j < i; j += 1) {
          if (networksOverlap(declared[i].network, declared[j].network)) {
            f.add(
              catalogue.networksOverlap,
              declared[i].path,
              declared[i].network,
              declared[i].label,
              declared[j].network,
              declared[j].label,
            );
          }
        }
        avoid.forEach((net) => {
          if (isValidNetwork(net) && networksOverlap(declared[i].network, net))
            f.add(catalogue.networkInAvoidList, declared[i].path, declared[i].network, net);
        });
      }
      // Ring addresses must not collide with anything else either (overlapping subnets already
      // explain any collision inside them).
      const planned = planLinks(ringLinks.links, linkSubnets);
      for (const link of f.errors.length === errorsBeforeOverlaps ? planned : []) {
        const origin = ringLinks.origins[link.index];
        claimAddress(link.a.address, `${origin.label} end a`, origin.a);
        claimAddress(link.b.address, `${origin.label} end b`, origin.b);
      }
      checkTopology(config, ringLinks, planned, f);
    }
  }

  // Pinned MACs of ring NICs: a valid MAC, for a NIC this node really has on the ring.
  nodes.forEach((node, i) => {
    const ringNicsOfNode = ringLinks.links.flatMap((l) => [l.a, l.b]).filter(([n]) => n === node.name);
    for (const [nic, mac] of Object.entries(node.ringMacs ?? {})) {
      const path: ConfigPath = ["nodes", i, "ringMacs", nic];
      if (!MAC_ADDRESS.test(mac)) f.add(catalogue.macInvalid, path, mac);
      else if (linksUsable && !ringNicsOfNode.some(([, n]) => n === nic))
        f.add(catalogue.ringMacUnknownNic, path, nic, node.name, ringNicsOfNode.map(([, n]) => n).join(", ") || "none");
    }
  });

  if (linksUsable && f.errors.length === 0 && (ring.routing ?? "routed") === "routed-fallback")
    checkFallbackCoverage(config, ringLinks, planLinks(ringLinks.links, linkSubnets), f);

  // Corosync.
  const corosyncLinks = config.corosync?.links ?? DEFAULT_COROSYNC_LINKS;
  if (corosyncLinks.length < 1 || corosyncLinks.length > 8)
    f.add(catalogue.corosyncLinkCount, ["corosync", "links"], corosyncLinks.length);

  // LINSTOR.
  const linstor = config.linstor;
  for (const [tool, version] of Object.entries(config.versions ?? {})) {
    if (typeof version !== "string" || !VERSION.test(version))
      f.add(catalogue.versionInvalid, ["versions", tool], String(version));
    else if (tool === "drbdReactor" && compareVersions(version, MIN_DRBD_REACTOR) < 0)
      f.add(catalogue.drbdReactorTooOld, ["versions", tool], version, MIN_DRBD_REACTOR);
  }
  if (!validLinstorName(linstor.storagePool.name))
    f.add(catalogue.linstorNameInvalid, ["linstor", "storagePool", "name"], "storage pool", linstor.storagePool.name);
  const groupNames = new Set<string>();
  const checkGroup = (
    group: ClusterConfig["linstor"]["resourceGroups"][number],
    path: ConfigPath,
    isHa: boolean,
  ): void => {
    if (!validLinstorName(group.name))
      f.add(catalogue.linstorNameInvalid, [...path, "name"], "resource group", group.name);
    else if (groupNames.has(group.name)) f.add(catalogue.resourceGroupDuplicate, [...path, "name"], group.name);
    groupNames.add(group.name);
    if (!isInt(group.placeCount, 1, 255))
      f.add(catalogue.placeCountTooLow, [...path, "placeCount"], group.name, group.placeCount);
    // With fewer than 3 nodes HG103 already names the cause; the HA group cannot fit either way.
    else if (group.placeCount > nodes.length && !(isHa && nodes.length < 3))
      f.add(catalogue.placeCountTooHigh, [...path, "placeCount"], group.name, group.placeCount, nodes.length);
    else if (isHa && group.placeCount < 3)
      f.add(catalogue.haPlaceCountTooLow, [...path, "placeCount"], group.placeCount);
    if (group.placeCount < nodes.length && disklessOnRemainingDropped(group, config.versions?.linstor))
      f.add(
        catalogue.disklessClientsNoVote,
        [...path, "disklessOnRemaining"],
        group.name,
        group.placeCount,
        config.versions!.linstor!,
      );
    for (const [key, value] of Object.entries(group.drbdOptions ?? {})) {
      const at = [...path, "drbdOptions", key];
      if (!DRBD_OPTION_KEY.test(key) || typeof value !== "string" || !PLAIN_VALUE.test(value)) {
        f.add(catalogue.drbdOptionInvalid, at, key, String(value));
        continue;
      }
      const checked = checkDrbdOption(key, value, config.versions?.linstor);
      if (checked.ok) continue;
      if (checked.unknown)
        f.add(
          catalogue.drbdOptionUnknown,
          at,
          key,
          checked.suggestion ?? "",
          drbdOptionSource(config.versions?.linstor),
        );
      else f.add(catalogue.drbdOptionValueInvalid, at, key, value, checked.expected);
    }
  };
  linstor.resourceGroups.forEach((g, i) => checkGroup(g, ["linstor", "resourceGroups", i], false));
  checkGroup(ha.resourceGroup, ["linstor", "ha", "resourceGroup"], true);
  if (!validLinstorName(ha.dbResource))
    f.add(catalogue.linstorNameInvalid, ["linstor", "ha", "dbResource"], "resource", ha.dbResource);
  if (!SIZE.test(ha.dbSize)) f.add(catalogue.sizeInvalid, ["linstor", "ha", "dbSize"], ha.dbSize);
  for (const [key, value] of Object.entries(linstor.nodeProperties ?? {})) {
    if (!PROPERTY_KEY.test(key) || typeof value !== "string" || !PLAIN_VALUE.test(value))
      f.add(catalogue.nodePropertyInvalid, ["linstor", "nodeProperties", key], key);
  }

  // Proxmox cluster join: pve-common's fingerprint-sha256 format.
  const fingerprint = config.proxmox?.fingerprint;
  if (fingerprint !== undefined && !/^([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}$/.test(fingerprint))
    f.add(catalogue.fingerprintInvalid, ["proxmox", "fingerprint"], fingerprint);

  // Proxmox storage.
  const pve = config.pveStorage;
  if (!PVE_STORAGE_ID.test(pve.id)) f.add(catalogue.pveStorageIdInvalid, ["pveStorage", "id"], pve.id);
  if (!linstor.resourceGroups.some((g) => g.name === pve.resourceGroup)) {
    f.add(
      catalogue.resourceGroupUnknown,
      ["pveStorage", "resourceGroup"],
      pve.resourceGroup,
      linstor.resourceGroups.map((g) => g.name).join(", ") || "none",
    );
  }

  // keepalived and its secret.
  const keepalived = config.keepalived;
  if (!isInt(keepalived.virtualRouterId, 1, 255))
    f.add(catalogue.routerIdInvalid, ["keepalived", "virtualRouterId"], keepalived.virtualRouterId);
  if (keepalived.advertInterval !== undefined && !isInt(keepalived.advertInterval, 1, 255))
    f.add(catalogue.intervalInvalid, ["keepalived", "advertInterval"], keepalived.advertInterval);
  const vrrpPassword = checkSecret(keepalived.password, ["keepalived", "password"], context, f);
  if (vrrpPassword !== undefined) {
    // Never echo the secret itself: say what is wrong with it.
    if (vrrpPassword.length === 0) f.add(catalogue.passwordInvalid, ["keepalived", "password"], "is empty");
    else if (vrrpPassword.length > 8)
      f.add(catalogue.passwordInvalid, ["keepalived", "password"], `has ${vrrpPassword.length} characters`);
    else if (!VRRP_PASSWORD.test(vrrpPassword))
      f.add(catalogue.passwordInvalid, ["keepalived", "password"], "has a character keepalived cannot take");
  }

  // Monitoring.
  const listen = config.monitoring?.prometheus?.listen;
  if (listen !== undefined) {
    const match = /^((?:[0-9]{1,3}\.){3}[0-9]{1,3})?:([0-9]{1,5})$/.exec(listen);
    const port = match ? Number(match[2]) : 0;
    if (!match || port < 1 || port > 65535 || (match[1] !== undefined && !isValidHostAddress(`${match[1]}/32`)))
      f.add(catalogue.listenInvalid, ["monitoring", "prometheus", "listen"], listen);
  }

  // apt: repository or vendored packages, keyring.
  const vendored = validateApt(config.apt, context.configFile, f);

  // Benchmarks.
  const fio = config.bench?.fio;
  if (fio) {
    if (!ABSOLUTE_PATH.test(fio.filename) || fio.filename.split("/").includes(".."))
      f.add(catalogue.benchValueInvalid, ["bench", "fio", "filename"], "filename", fio.filename);
    if (!SIZE.test(fio.size)) f.add(catalogue.sizeInvalid, ["bench", "fio", "size"], fio.size);
    if (!isInt(fio.runtimeSeconds, 1, 86400))
      f.add(catalogue.benchValueInvalid, ["bench", "fio", "runtimeSeconds"], "runtime", String(fio.runtimeSeconds));
    const jobNames = new Set<string>();
    fio.jobs.forEach((job, i) => {
      if (!JOB_NAME.test(job.name) || jobNames.has(job.name))
        f.add(catalogue.benchValueInvalid, ["bench", "fio", "jobs", i, "name"], "job name", job.name);
      jobNames.add(job.name);
      if (!BLOCK_SIZE.test(job.bs))
        f.add(catalogue.benchValueInvalid, ["bench", "fio", "jobs", i, "bs"], "block size", job.bs);
      if (!isInt(job.iodepth, 1, 1024))
        f.add(catalogue.benchValueInvalid, ["bench", "fio", "jobs", i, "iodepth"], "iodepth", String(job.iodepth));
      else if (job.iodepth > 1 && (job.ioengine === "psync" || job.ioengine === "sync"))
        f.add(catalogue.fioDepthCapped, ["bench", "fio", "jobs", i, "ioengine"], job.name, job.ioengine, job.iodepth);
    });
  }
  const iperf3 = config.bench?.iperf3;
  if (iperf3) {
    if (!isInt(iperf3.durationSeconds, 1, 3600))
      f.add(
        catalogue.benchValueInvalid,
        ["bench", "iperf3", "durationSeconds"],
        "duration",
        String(iperf3.durationSeconds),
      );
    if (iperf3.parallel !== undefined && !isInt(iperf3.parallel, 1, 128))
      f.add(catalogue.benchValueInvalid, ["bench", "iperf3", "parallel"], "parallel streams", String(iperf3.parallel));
    if (iperf3.port !== undefined && !isInt(iperf3.port, 1, 65535))
      f.add(catalogue.benchValueInvalid, ["bench", "iperf3", "port"], "port", String(iperf3.port));
    const networks = iperf3.networks ?? DEFAULT_BENCH_NETWORKS;
    networks.forEach((network, i) => {
      if (!BENCH_NETWORKS.includes(network) || networks.indexOf(network) !== i)
        f.add(catalogue.benchValueInvalid, ["bench", "iperf3", "networks", i], "network", String(network));
    });
    for (const [network, rate] of Object.entries(iperf3.lineRateGbps ?? {})) {
      const path = ["bench", "iperf3", "lineRateGbps", network];
      if (!BENCH_NETWORKS.includes(network as BenchNetwork))
        f.add(catalogue.benchValueInvalid, path, "line rate network", network);
      else if (typeof rate !== "number" || !Number.isFinite(rate) || rate <= 0 || rate > 1000)
        f.add(catalogue.benchValueInvalid, path, "line rate in Gbit/s (above 0, at most 1000)", String(rate));
    }
    for (const network of networks) {
      if (BENCH_NETWORKS.includes(network) && iperf3.lineRateGbps?.[network] === undefined)
        f.add(catalogue.lineRateMissing, ["bench", "iperf3"], network);
    }
  }
  const report = config.bench?.report;
  if (report?.minShareOfLineRate !== undefined) {
    const share = report.minShareOfLineRate;
    if (typeof share !== "number" || !(share > 0 && share <= 1))
      f.add(
        catalogue.benchValueInvalid,
        ["bench", "report", "minShareOfLineRate"],
        "share (above 0, at most 1)",
        String(share),
      );
  }
  if (report?.syncWriteP99Ms !== undefined) {
    const ms = report.syncWriteP99Ms;
    if (typeof ms !== "number" || !(ms > 0 && ms <= 60000))
      f.add(
        catalogue.benchValueInvalid,
        ["bench", "report", "syncWriteP99Ms"],
        "p99 limit in ms (above 0, at most 60000)",
        String(ms),
      );
  }

  if (f.errors.length > 0) return { ok: false, diagnostics: f.list };
  return {
    ok: true,
    valid: {
      config,
      ringLinks: ringLinks.links,
      linkSubnets,
      secrets: { vrrpPassword: vrrpPassword ?? "" },
      ...(vendored.keyring ? { keyring: vendored.keyring } : {}),
      ...(vendored.debs ? { debs: vendored.debs } : {}),
    },
    warnings: f.list,
  };
}

function checkSecret(
  source: SecretSource,
  path: ConfigPath,
  context: ValidationContext,
  f: Findings,
): string | undefined {
  if ("env" in source && !ENV_NAME.test(source.env)) {
    f.add(catalogue.secretEnvNameInvalid, [...path, "env"], source.env);
    return undefined;
  }
  const result = resolveSecret(source, context.configFile, context.env);
  if (!result.ok) {
    if (result.absent && context.secretsRequired === false) f.add(catalogue.secretAbsentHere, path, result.why);
    else f.add(catalogue.secretMissing, path, result.why);
    return undefined;
  }
  return result.value;
}
