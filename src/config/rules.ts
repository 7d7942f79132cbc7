/** The name and value rules the section validators share: patterns, ranges, and address claims. */
import { catalogue } from "../diagnostics/catalogue.js";
import type { ConfigPath } from "../diagnostics/diagnostic.js";
import { isNetworkOrBroadcast, isValidHostAddress } from "../address.js";
import type { Findings } from "./findings.js";
import type { BenchNetwork } from "./types.js";

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
export const NUMERIC_HOSTNAME = /^(\d+|0x[0-9a-f]*)$/i;
/** Names of net.ipv4.conf's keys for every interface: no NIC may be called so. */
const RESERVED_INTERFACE_NAMES = new Set(["all", "default"]);

/** The largest cluster homegarden plans (Proxmox itself documents clusters far smaller). */
export const MAX_NODES = 1024;
/** The most ring links (cables): a full mesh of 91 nodes has 4,095. */
export const MAX_RING_LINKS = 4096;

export function isInt(n: unknown, min: number, max: number): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= min && n <= max;
}

/** LINSTOR names (resources, groups, storage pools): 2-48 characters, and "all" is reserved by the client. */
export function validLinstorName(name: string): boolean {
  return LINSTOR_NAME.test(name) && name.toLowerCase() !== "all";
}

/** A NIC name Linux takes and that is not one of net.ipv4.conf's keys for every interface. */
export function checkInterfaceName(name: string, path: ConfigPath, f: Findings): void {
  if (!INTERFACE_NAME.test(name) || name === "." || name === "..") f.add(catalogue.interfaceNameInvalid, path, name);
  else if (RESERVED_INTERFACE_NAMES.has(name)) f.add(catalogue.interfaceNameReserved, path, name);
}

/** A host address with its prefix that is neither the network's nor its broadcast address. */
export function checkHostAddress(value: string, path: ConfigPath, f: Findings): boolean {
  if (!isValidHostAddress(value)) {
    f.add(catalogue.addressInvalid, path, value);
    return false;
  }
  if (isNetworkOrBroadcast(value)) {
    f.add(catalogue.addressIsNetworkOrBroadcast, path, value);
    return false;
  }
  return true;
}

/** Every address the config gives a node or a VIP, by IP: a second claim of one IP is HG204. */
export class AddressClaims {
  private readonly owners: Map<string, string>;
  /** Starts from claims made before (the validator's, when the planner claims the ring's addresses). */
  constructor(earlier: ReadonlyMap<string, string> = new Map()) {
    this.owners = new Map(earlier);
  }
  /** Every claimed IP -> where the config gives it, in claim order. */
  get claimed(): ReadonlyMap<string, string> {
    return this.owners;
  }
  claim(cidr: string, where: string, path: ConfigPath, f: Findings): void {
    const ip = cidr.split("/")[0];
    const previous = this.owners.get(ip);
    if (previous !== undefined) f.add(catalogue.addressDuplicate, path, ip, previous);
    else this.owners.set(ip, where);
  }
}
