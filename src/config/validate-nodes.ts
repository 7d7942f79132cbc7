/** The nodes section: names, management and storage interfaces and addresses, ZFS pools. */
import { posix } from "node:path";
import { catalogue } from "../diagnostics/catalogue.js";
import { parseHostAddress } from "../address.js";
import type { Findings } from "./findings.js";
import {
  AddressClaims,
  checkHostAddress,
  checkInterfaceName,
  DEVICE_PATH,
  HOSTNAME_LABEL,
  isInt,
  MAC_ADDRESS,
  NUMERIC_HOSTNAME,
  ZFS_POOL_NAME,
  ZFS_RESERVED_POOL_NAMES,
} from "./rules.js";
import type { ResolvedConfig } from "./schema.js";

export type NodeNetworkKind = "management" | "storage";

/** What the other sections need to know of the nodes. */
export interface NodeFacts {
  names: Set<string>;
  /** The one network every node's address on it is in (the first valid address's network). */
  networks: Record<NodeNetworkKind, string | undefined>;
  addresses: AddressClaims;
  /** NICs in use, "node/nic" -> where the config names it. */
  nics: Map<string, string>;
}

export function validateNodes(config: ResolvedConfig, f: Findings): NodeFacts {
  const facts: NodeFacts = {
    names: new Set(),
    networks: { management: undefined, storage: undefined },
    addresses: new AddressClaims(),
    nics: new Map(),
  };
  config.nodes.forEach((node, i) => {
    if (!HOSTNAME_LABEL.test(node.name)) f.add(catalogue.nodeNameInvalid, ["nodes", i, "name"], node.name);
    else if (NUMERIC_HOSTNAME.test(node.name)) f.add(catalogue.nodeNameNumeric, ["nodes", i, "name"], node.name);
    else if (facts.names.has(node.name)) f.add(catalogue.nodeNameDuplicate, ["nodes", i, "name"], node.name);
    facts.names.add(node.name);
    for (const net of ["management", "storage"] as const) {
      const { iface, address, mac } = node[net];
      checkInterfaceName(iface, ["nodes", i, net, "iface"], f);
      facts.nics.set(`${node.name}/${iface}`, `nodes[${i}].${net}`);
      if (mac !== undefined && !MAC_ADDRESS.test(mac)) f.add(catalogue.macInvalid, ["nodes", i, net, "mac"], mac);
      if (checkHostAddress(address, ["nodes", i, net, "address"], f)) {
        facts.addresses.claim(address, `nodes[${i}].${net}.address`, ["nodes", i, net, "address"], f);
        const network = parseHostAddress(address).network;
        const first = facts.networks[net];
        if (first === undefined) facts.networks[net] = network;
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
  return facts;
}
