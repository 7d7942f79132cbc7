/**
 * The ring's links as the config gives them, or derived from every node's `ringNics`. Pure.
 *
 * Each link carries the config paths that diagnostics about it point at, because a derived link has
 * no place of its own in the user's file: its ends live in two nodes' `ringNics`.
 */
import type { ConfigPath } from "../diagnostics/diagnostic.js";
import type { ClusterConfig, RingLink, RingTopology } from "./types.js";

export interface LinkOrigin {
  /** Where the link as a whole is written (an explicit link) or starts (the a-end node's ringNics). */
  link: ConfigPath;
  a: ConfigPath;
  b: ConfigPath;
  /** A short name for messages: `ring.links[2]` or `derived link 2 (pivoine enp7s0 - petunia enp8s0)`. */
  label: string;
}

export interface RingLinks {
  topology: RingTopology;
  derived: boolean;
  links: RingLink[];
  origins: LinkOrigin[];
}

export function topologyOf(config: ClusterConfig): RingTopology {
  return config.ring.topology ?? (config.ring.links ? "graph" : "ring");
}

/** Number of ring NICs each node needs for a derived topology. */
export function ringNicCount(topology: RingTopology, nodeCount: number): number {
  return topology === "mesh" ? nodeCount - 1 : 2;
}

/**
 * Ring: link i joins node i's ringNics[0] to node (i+1 mod n)'s ringNics[1]; the last link closes the
 * ring. Mesh: for j = 1..n-1, for i = 0..j-1, a link from node i's NIC toward j to node j's NIC toward
 * i. Both orders only append when a node is appended.
 */
export function deriveLinks(
  config: ClusterConfig,
  topology: "ring" | "mesh",
): { links: RingLink[]; origins: LinkOrigin[] } {
  const nodes = config.nodes;
  const n = nodes.length;
  const mtu = config.ring.mtu;
  const links: RingLink[] = [];
  const origins: LinkOrigin[] = [];
  const add = (i: number, nicI: number, j: number, nicJ: number): void => {
    const a = nodes[i].ringNics?.[nicI] ?? "";
    const b = nodes[j].ringNics?.[nicJ] ?? "";
    links.push({ a: [nodes[i].name, a], b: [nodes[j].name, b], ...(mtu !== undefined ? { mtu } : {}) });
    origins.push({
      link: ["nodes", i, "ringNics"],
      a: ["nodes", i, "ringNics", nicI],
      b: ["nodes", j, "ringNics", nicJ],
      label: `derived link ${links.length - 1} (${nodes[i].name} ${a} - ${nodes[j].name} ${b})`,
    });
  };
  if (topology === "ring") {
    for (let i = 0; i < n; i += 1) add(i, 0, (i + 1) % n, 1);
  } else {
    for (let j = 1; j < n; j += 1) for (let i = 0; i < j; i += 1) add(i, j - 1, j, i);
  }
  return { links, origins };
}

export function ringLinksOf(config: ClusterConfig): RingLinks {
  const topology = topologyOf(config);
  if (config.ring.links) {
    return {
      topology,
      derived: false,
      links: config.ring.links,
      origins: config.ring.links.map((_, i) => ({
        link: ["ring", "links", i],
        a: ["ring", "links", i, "a"],
        b: ["ring", "links", i, "b"],
        label: `ring.links[${i}]`,
      })),
    };
  }
  const derivable = topology === "mesh" ? "mesh" : "ring";
  return { topology, derived: true, ...deriveLinks(config, derivable) };
}
