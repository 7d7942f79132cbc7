/**
 * Which node pairs keep a working corosync (knet) link after any single cable fault. Pure.
 *
 * A knet link between two nodes is a pair of addresses, one per node, and it works when packets
 * go both ways between exactly those two addresses. The cables that can fail:
 * - each ring cable: the planned ring routes are followed without it (plan/forwarding.ts, both ends
 *   down, as the kernel sees a pulled cable with ignore_routes_with_linkdown);
 * - each node's uplink to the management network and to the storage network, when a knet link uses
 *   that network: it then fails for every pair that node is in. The switch itself is not counted
 *   (one switch failing is one fault for every node at once, the redundancy that guards against it
 *   is the ring).
 */
import type { CorosyncLinkSource } from "../config/types.js";
import { Forwarding, packetFates, type ForwardingNode } from "./forwarding.js";
import type { PlannedLink } from "./ring.js";

export type CableCut =
  | { kind: "ring"; link: number; label: string }
  | { kind: "uplink"; network: "management" | "storage"; node: string; label: string };

export interface IsolatingCut {
  cut: CableCut;
  /** How many node pairs the fault leaves with no working knet link. */
  pairCount: number;
  /** The first of them (at most 16), each in node order. */
  pairs: [string, string][];
}

const LISTED_PAIRS = 16;

export interface CorosyncSurvival {
  /** Single cable faults examined. */
  cutsChecked: number;
  /**
   * False above 64 nodes, where following every pair's routes for every fault costs seconds to
   * minutes: there the ring's paths are taken as working while no ring cable is cut (what the ring
   * routing is built and tested to do), and ring-only knet links are examined up to the first fault
   * that isolates a pair, which `isolating` then holds.
   */
  complete: boolean;
  /** The faults that leave some pair without a working knet link (none, in a sound plan). */
  isolating: IsolatingCut[];
}

export interface CorosyncNode extends ForwardingNode {
  /** knet link addresses, link0 first. */
  corosyncAddresses: string[];
}

const SWITCHED = new Set<CorosyncLinkSource>(["management", "storage"]);
/** Above this many nodes, the analysis is not exhaustive (see `complete`). */
export const EXACT_MAX_NODES = 64;

export function linkLabel(link: PlannedLink): string {
  return `${link.a.node} ${link.a.nic} - ${link.b.node} ${link.b.nic}`;
}

/** Single cable faults and the pairs each leaves without a knet link. */
export function corosyncSurvival(
  nodes: CorosyncNode[],
  links: PlannedLink[],
  sources: CorosyncLinkSource[],
): CorosyncSurvival {
  const forwarding = new Forwarding(nodes);
  const ringLinks = sources.map((s, k) => (SWITCHED.has(s) ? -1 : k)).filter((k) => k >= 0);
  const networks = [...new Set(sources.filter((s) => SWITCHED.has(s)))] as ("management" | "storage")[];
  const exact = nodes.length <= EXACT_MAX_NODES;
  const pairs: [number, number][] = [];
  if (exact) for (let i = 0; i < nodes.length; i += 1) for (let j = i + 1; j < nodes.length; j += 1) pairs.push([i, j]);

  /** Whether each pair's ring-based knet links work with `cut` down: [pair][ring link]. */
  const ringWorks = (cut: ReadonlySet<number>, among: [number, number][] = pairs): boolean[][] => {
    const fate = packetFates(forwarding, cut);
    const delivered = (from: string, toIp: string): boolean => fate(from, toIp) === null;
    return among.map((pair) => {
      const [a, b] = [nodes[pair[0]], nodes[pair[1]]];
      return ringLinks.map(
        (k) => delivered(a.name, b.corosyncAddresses[k]) && delivered(b.name, a.corosyncAddresses[k]),
      );
    });
  };

  const isolating: IsolatingCut[] = [];
  const record = (cut: CableCut, among: [number, number][], alive: (i: number) => boolean): void => {
    const lost = among.flatMap((pair, i) =>
      alive(i) ? [] : [[nodes[pair[0]].name, nodes[pair[1]].name] as [string, string]],
    );
    if (lost.length > 0) isolating.push({ cut, pairCount: lost.length, pairs: lost.slice(0, LISTED_PAIRS) });
  };

  // Ring cables: a knet link on a switched network is untouched by them. Above EXACT_MAX_NODES,
  // only the pair the cable joins is examined.
  const index = new Map(nodes.map((n, i) => [n.name, i]));
  let ringCutsChecked = links.length;
  if (networks.length === 0) {
    for (const [i, link] of links.entries()) {
      const ends = [index.get(link.a.node)!, index.get(link.b.node)!].sort((x, y) => x - y) as [number, number];
      const among = exact ? pairs : [ends];
      const works = ringWorks(new Set([link.index]), among);
      record({ kind: "ring", link: link.index, label: linkLabel(link) }, among, (p) => works[p].some(Boolean));
      if (!exact && isolating.length > 0) {
        ringCutsChecked = i + 1;
        break;
      }
    }
  }
  // Uplinks: the ring is whole, and so is every other network. A pair keeps the link on another
  // switched network if there is one, else a ring link (taken as working above EXACT_MAX_NODES).
  if (networks.length === 1 && ringLinks.length > 0 && exact) {
    const whole = ringWorks(new Set());
    const network = networks[0];
    for (const [n, node] of nodes.entries()) {
      const involved = pairs.map((pair, p) => ({ pair, p })).filter(({ pair }) => pair[0] === n || pair[1] === n);
      record(
        { kind: "uplink", network, node: node.name, label: `${node.name} ${network} uplink` },
        involved.map((x) => x.pair),
        (i) => whole[involved[i].p].some(Boolean),
      );
    }
  } else if (networks.length === 1 && ringLinks.length === 0) {
    // Every knet link on one switched network: a node's uplink takes all of them.
    const network = networks[0];
    for (const [n, node] of nodes.entries()) {
      const involved = nodes.flatMap((_, m) => (m === n ? [] : [[Math.min(n, m), Math.max(n, m)] as [number, number]]));
      record(
        { kind: "uplink", network, node: node.name, label: `${node.name} ${network} uplink` },
        involved,
        () => false,
      );
    }
  }
  const cutsChecked = ringCutsChecked + networks.length * nodes.length;
  return { cutsChecked, complete: exact, isolating };
}
