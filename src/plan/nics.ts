/** Every NIC a node's config names, with the MAC it pins: what `run.sh preflight` looks for. Pure. */
import type { NodeConfig } from "../config/types.js";
import type { RingInterface } from "./ring.js";

export interface PlannedNic {
  /** Linux interface name, e.g. "enp7s0". */
  name: string;
  /** What the config uses it for, e.g. "storage network" or "ring link to petunia". */
  carries: string;
  /** Pinned MAC address, lower case; absent when the config pins none. */
  mac?: string;
}

/** The management, storage and ring NICs of a node, in that order, each once. */
export function nicsOf(node: NodeConfig, ring: RingInterface[]): PlannedNic[] {
  const nics: PlannedNic[] = [];
  const add = (name: string, carries: string, mac: string | undefined): void => {
    const known = nics.find((n) => n.name === name);
    if (known) {
      known.carries = `${known.carries}, ${carries}`;
      return;
    }
    nics.push({ name, carries, ...(mac ? { mac: mac.toLowerCase() } : {}) });
  };
  add(node.management.iface, "management network", node.management.mac);
  add(node.storage.iface, "storage network", node.storage.mac);
  for (const r of ring) add(r.nic, `ring link to ${r.peer.node}`, node.ringMacs?.[r.nic]);
  return nics;
}
