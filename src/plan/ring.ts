/**
 * Ring network planning: link subnets, per-node ring interfaces, and static routes. Pure functions.
 *
 * Routing rule ("routed"): every node gets one route to every link subnet it is not on, via a
 * neighbour on a shortest path (hop count in the node graph to the nearer end of that link). When
 * several neighbours are equally close, the one that follows this node in node order wins (smallest
 * (neighbourIndex - nodeIndex) mod nodeCount); between parallel links to that neighbour, the first
 * link in config order. For the seed's three nodes this gives its three routes exactly.
 */
import { IPv4, IPv4CidrRange } from "ip-num";
import type { RingLink } from "../config/types.js";
import { networksOverlap, nthHost, parseHostAddress } from "../address.js";

export interface RingEnd {
  node: string;
  nic: string;
  /** "10.10.0.1/29" */
  address: string;
  ip: string;
}

export interface PlannedLink {
  index: number;
  subnet: string;
  mtu?: number;
  a: RingEnd;
  b: RingEnd;
}

export interface PlannedRoute {
  /** Destination network. */
  destination: string;
  /** Next-hop address (the neighbour's address on the shared link). */
  via: string;
  /** Outgoing NIC on this node. */
  dev: string;
  /** Name of the neighbour that forwards. */
  viaNode: string;
  /**
   * "routed": hops to the nearer end of the destination link (1 = the neighbour is on it).
   * "routed-fallback": hops to the destination's owner along this route's path.
   */
  distance: number;
  /** routed-fallback only: route metric (primary 10, fallback 20); absent in U-turn tables. */
  metric?: number;
  /** routed-fallback only: "primary", "fallback", or "u-turn" (in the table of `table`). */
  role?: "primary" | "fallback" | "u-turn";
  /** routed-fallback only: the policy routing table of a U-turn route. */
  table?: number;
}

/** routed-fallback only: packets that arrive on `iif` are looked up in `table` first. */
export interface PlannedRule {
  iif: string;
  table: number;
  priority: number;
}

export interface RingInterface {
  nic: string;
  address: string;
  ip: string;
  subnet: string;
  mtu?: number;
  linkIndex: number;
  peer: RingEnd;
}

export type AllocationResult = { ok: true; subnets: string[] } | { ok: false; linkIndex: number };

/**
 * Gives every link a subnet: its own when set, else the first free block of `pool` with `prefix`
 * that overlaps no reserved network, no explicit link subnet and no earlier allocation. Links are
 * taken in order, so appending a link never renumbers an earlier one.
 */
export function allocateLinkSubnets(
  links: RingLink[],
  pool: string | undefined,
  prefix: number,
  reserved: string[],
): AllocationResult {
  const taken = [...reserved, ...links.flatMap((l) => (l.subnet ? [l.subnet] : []))];
  const subnets: string[] = [];
  for (const [index, link] of links.entries()) {
    if (link.subnet) {
      subnets.push(link.subnet);
      continue;
    }
    if (!pool) return { ok: false, linkIndex: index };
    const found = firstFreeBlock(pool, prefix, taken);
    if (!found) return { ok: false, linkIndex: index };
    taken.push(found);
    subnets.push(found);
  }
  return { ok: true, subnets };
}

function firstFreeBlock(pool: string, prefix: number, taken: string[]): string | undefined {
  const range = IPv4CidrRange.fromCidr(pool);
  const poolPrefix = Number(pool.split("/")[1]);
  if (prefix < poolPrefix) return undefined;
  const blockSize = 2n ** BigInt(32 - prefix);
  const start = range.getFirst().getValue();
  const end = range.getLast().getValue();
  for (let value = start; value + blockSize - 1n <= end; value += blockSize) {
    const candidate = `${IPv4.fromNumber(value).toString()}/${prefix}`;
    if (!taken.some((t) => networksOverlap(t, candidate))) return candidate;
  }
  return undefined;
}

export function planLinks(links: RingLink[], subnets: string[]): PlannedLink[] {
  return links.map((link, index) => {
    const subnet = subnets[index];
    const prefix = subnet.split("/")[1];
    // A /31 (RFC 3021, point to point) has no network or broadcast address: both ends are hosts.
    const first = prefix === "31" ? 0 : 1;
    const a = link.addresses ? parseHostAddress(`${link.addresses[0]}/${prefix}`) : nthHost(subnet, first);
    const b = link.addresses ? parseHostAddress(`${link.addresses[1]}/${prefix}`) : nthHost(subnet, first + 1);
    return {
      index,
      subnet,
      ...(link.mtu !== undefined ? { mtu: link.mtu } : {}),
      a: { node: link.a[0], nic: link.a[1], address: a.cidr, ip: a.ip },
      b: { node: link.b[0], nic: link.b[1], address: b.cidr, ip: b.ip },
    };
  });
}

/** The node's ring interfaces, in link order. */
export function ringInterfacesOf(node: string, links: PlannedLink[]): RingInterface[] {
  const out: RingInterface[] = [];
  for (const link of links) {
    for (const [self, peer] of [
      [link.a, link.b],
      [link.b, link.a],
    ] as const) {
      if (self.node === node) {
        out.push({
          nic: self.nic,
          address: self.address,
          ip: self.ip,
          subnet: link.subnet,
          ...(link.mtu !== undefined ? { mtu: link.mtu } : {}),
          linkIndex: link.index,
          peer,
        });
      }
    }
  }
  return out;
}

/** Hop distances from `source` to every node (breadth-first over the links). */
export function hopDistances(source: string, links: PlannedLink[]): Map<string, number> {
  const neighbours = neighbourLists(links);
  const distances = new Map<string, number>([[source, 0]]);
  const queue = [source];
  for (let head = 0; head < queue.length; head += 1) {
    const current = queue[head];
    for (const next of neighbours.get(current) ?? []) {
      if (!distances.has(next)) {
        distances.set(next, distances.get(current)! + 1);
        queue.push(next);
      }
    }
  }
  return distances;
}

/** Each node's neighbours in link order, built once per links array (every node's distances use it). */
const neighbourTables = new WeakMap<PlannedLink[], Map<string, string[]>>();
function neighbourLists(links: PlannedLink[]): Map<string, string[]> {
  let table = neighbourTables.get(links);
  if (!table) {
    table = new Map();
    const neighboursOf = (node: string): string[] => {
      let list = table!.get(node);
      if (!list) table!.set(node, (list = []));
      return list;
    };
    for (const link of links) {
      neighboursOf(link.a.node).push(link.b.node);
      neighboursOf(link.b.node).push(link.a.node);
    }
    neighbourTables.set(links, table);
  }
  return table;
}

/** Nodes not reachable from the first node over the links. */
export function unreachableNodes(nodeNames: string[], links: PlannedLink[]): string[] {
  if (nodeNames.length === 0) return [];
  const reached = hopDistances(nodeNames[0], links);
  return nodeNames.filter((n) => !reached.has(n));
}

/**
 * The tie rule between equally good interfaces of `node`: the neighbour that follows `node` in node
 * order first (smallest (neighbourIndex - nodeIndex) mod nodeCount), then the first link in link order.
 */
export function tieOrder(nodeNames: string[], node: string): (x: RingInterface, y: RingInterface) => number {
  const count = nodeNames.length;
  const indexOf = nodeIndexes(nodeNames);
  const selfIndex = indexOf.get(node) ?? -1;
  const offset = (i: RingInterface): number => ((indexOf.get(i.peer.node) ?? -1) - selfIndex + count) % count;
  return (x, y) => offset(x) - offset(y) || x.linkIndex - y.linkIndex;
}

/** Each node's position in node order, built once per node list (tieOrder runs for every route). */
const nodeIndexTables = new WeakMap<string[], Map<string, number>>();
function nodeIndexes(nodeNames: string[]): Map<string, number> {
  let table = nodeIndexTables.get(nodeNames);
  if (!table) {
    table = new Map(nodeNames.map((n, i) => [n, i]));
    nodeIndexTables.set(nodeNames, table);
  }
  return table;
}

/** Static routes of `node` in "routed" mode: one per link subnet it is not on. */
export function routesOf(node: string, nodeNames: string[], links: PlannedLink[]): PlannedRoute[] {
  const distanceFrom = allHopDistances(nodeNames, links);
  const ownInterfaces = ringInterfacesOf(node, links);
  const routes: PlannedRoute[] = [];
  for (const link of links) {
    if (link.a.node === node || link.b.node === node) continue;
    const toLink = (n: string): number =>
      Math.min(distanceFrom.get(n)!.get(link.a.node) ?? Infinity, distanceFrom.get(n)!.get(link.b.node) ?? Infinity);
    const own = toLink(node);
    if (!Number.isFinite(own)) continue;
    const candidates = ownInterfaces
      .filter((iface) => toLink(iface.peer.node) === own - 1)
      .sort(tieOrder(nodeNames, node));
    const chosen = candidates[0];
    routes.push({
      destination: link.subnet,
      via: chosen.peer.ip,
      dev: chosen.nic,
      viaNode: chosen.peer.node,
      distance: own,
    });
  }
  return routes;
}

/**
 * Performance (issue 8): every node's hop distances, computed once per links array and node list
 * instead of once per routesOf call (which made planning a 256-node ring take 26 s). Keyed by the
 * arrays' identity: plans never mutate them after planLinks.
 */
const hopDistanceTables = new WeakMap<
  PlannedLink[],
  { nodeNames: string[]; table: Map<string, Map<string, number>> }
>();

function allHopDistances(nodeNames: string[], links: PlannedLink[]): Map<string, Map<string, number>> {
  const cached = hopDistanceTables.get(links);
  if (cached && cached.nodeNames === nodeNames) return cached.table;
  const table = new Map(nodeNames.map((n) => [n, hopDistances(n, links)]));
  hopDistanceTables.set(links, { nodeNames, table });
  return table;
}
