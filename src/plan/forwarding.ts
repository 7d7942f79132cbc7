/**
 * Follows a packet through the planned ring routing tables, the way the Linux kernel would: local
 * addresses, then `ip rule iif` tables, then the main table (longest prefix, then lowest metric),
 * skipping routes whose link is cut (ignore_routes_with_linkdown). Pure; used to check that
 * routed-fallback covers every single-link cut and to predict hop counts.
 */
import { IPv4CidrRange } from "ip-num";
import type { PlannedLink, PlannedRoute, PlannedRule, RingInterface } from "./ring.js";

export interface ForwardingNode {
  name: string;
  ringInterfaces: RingInterface[];
  routes: PlannedRoute[];
  rules?: PlannedRule[];
}

export interface Trace {
  delivered: boolean;
  /** Links crossed. */
  hops: number;
  /** Node names visited, the source first. */
  path: string[];
  /** The source's outgoing NIC (undefined when the address is the source's own). */
  firstDev?: string;
  /** Why the packet was not delivered. */
  reason?: string;
}

const MAX_HOPS = 64;

interface Range {
  first: bigint;
  last: bigint;
  prefix: number;
}

const rangeCache = new Map<string, Range>();
function rangeOf(cidr: string): Range {
  let range = rangeCache.get(cidr);
  if (!range) {
    const r = IPv4CidrRange.fromCidr(cidr);
    range = { first: r.getFirst().getValue(), last: r.getLast().getValue(), prefix: Number(cidr.split("/")[1]) };
    rangeCache.set(cidr, range);
  }
  return range;
}

function ipValue(ip: string): bigint {
  return ip.split(".").reduce((acc, part) => acc * 256n + BigInt(Number(part)), 0n);
}

interface Candidate {
  dev: string;
  via: string;
  prefix: number;
  metric: number;
}

const MAIN_TABLE = -1;

type Step =
  | { kind: "delivered" }
  | { kind: "dropped"; reason: string }
  | { kind: "next"; dev: string; node: string; iif: string };

export class Forwarding {
  private readonly byName = new Map<string, ForwardingNode>();
  /** node -> table -> destination -> routes (rules sorted by priority beforehand). */
  private readonly routeIndex = new Map<string, Map<number, Map<string, PlannedRoute[]>>>();
  private readonly subnetOf = new Map<string, string>();
  private readonly interfaceIndex = new Map<string, Map<string, RingInterface>>();

  constructor(nodes: ForwardingNode[]) {
    for (const node of nodes) {
      const sorted = [...(node.rules ?? [])].sort((x, y) => x.priority - y.priority);
      this.byName.set(node.name, { ...node, rules: sorted });
      const tables = new Map<number, Map<string, PlannedRoute[]>>();
      for (const route of node.routes) {
        const table = route.table ?? MAIN_TABLE;
        if (!tables.has(table)) tables.set(table, new Map());
        const byDestination = tables.get(table)!;
        byDestination.set(route.destination, [...(byDestination.get(route.destination) ?? []), route]);
      }
      this.routeIndex.set(node.name, tables);
      for (const iface of node.ringInterfaces) this.subnetOf.set(iface.ip, iface.subnet);
      this.interfaceIndex.set(node.name, new Map(node.ringInterfaces.map((i) => [i.nic, i])));
    }
  }

  /** One forwarding decision: what `node` does with a packet for `toIp` that arrived on `iif` (undefined: sent locally). */
  step(node: string, toIp: string, iif: string | undefined, cut: ReadonlySet<number>): Step {
    const current = this.byName.get(node)!;
    const local = current.ringInterfaces.find((i) => i.ip === toIp);
    if (local) {
      if (cut.has(local.linkIndex)) return { kind: "dropped", reason: `${toIp} is on a cut link` };
      return { kind: "delivered" };
    }
    const arrived = iif === undefined ? undefined : this.interfaceIndex.get(node)!.get(iif);
    const route = this.lookup(current, toIp, arrived, cut);
    if (!route) return { kind: "dropped", reason: `no usable route on ${node}` };
    const out = this.interfaceIndex.get(node)!.get(route.dev)!;
    if (out.peer.ip !== route.via) return { kind: "dropped", reason: `${route.via} is not ${node}'s neighbour` };
    const next = this.byName.get(out.peer.node)!;
    const nextIif = next.ringInterfaces.find((i) => i.linkIndex === out.linkIndex)!;
    return { kind: "next", dev: out.nic, node: next.name, iif: nextIif.nic };
  }

  /** Follows a packet from `from` to `toIp` with the links in `cut` down on both ends. */
  trace(from: string, toIp: string, cut: ReadonlySet<number> = new Set()): Trace {
    const path = [from];
    let node = from;
    let iif: string | undefined;
    let firstDev: string | undefined;
    for (let hops = 0; hops <= MAX_HOPS; hops += 1) {
      const step = this.step(node, toIp, iif, cut);
      if (step.kind === "delivered") return { delivered: true, hops, path, ...(firstDev ? { firstDev } : {}) };
      if (step.kind === "dropped") return { delivered: false, hops, path, reason: step.reason };
      firstDev ??= step.dev;
      node = step.node;
      iif = step.iif;
      path.push(node);
    }
    return { delivered: false, hops: MAX_HOPS, path, reason: "loop: TTL exceeded" };
  }

  private lookup(
    node: ForwardingNode,
    toIp: string,
    iif: RingInterface | undefined,
    cut: ReadonlySet<number>,
  ): Candidate | undefined {
    const byNic = this.interfaceIndex.get(node.name)!;
    const tables = this.routeIndex.get(node.name)!;
    // Every ring address sits in its link's subnet, so only two destinations can match it: the
    // address itself and that subnet. Anything else is searched route by route.
    const subnet = this.subnetOf.get(toIp);
    const target = subnet === undefined ? ipValue(toIp) : 0n;
    const contains = (cidr: string): boolean => {
      if (subnet !== undefined) return cidr === subnet || cidr === `${toIp}/32`;
      const range = rangeOf(cidr);
      return target >= range.first && target <= range.last;
    };
    const bestIn = (table: number, withConnected: boolean): Candidate | undefined => {
      let best: Candidate | undefined;
      const consider = (candidate: Candidate): void => {
        if (
          !best ||
          candidate.prefix > best.prefix ||
          (candidate.prefix === best.prefix && candidate.metric < best.metric)
        )
          best = candidate;
      };
      const index = tables.get(table);
      const routes =
        index === undefined
          ? []
          : subnet !== undefined
            ? [...(index.get(`${toIp}/32`) ?? []), ...(index.get(subnet) ?? [])]
            : [...index.values()].flat().filter((r) => contains(r.destination));
      for (const r of routes) {
        const out = byNic.get(r.dev);
        if (out === undefined || cut.has(out.linkIndex)) continue;
        consider({ dev: r.dev, via: r.via, prefix: rangeOf(r.destination).prefix, metric: r.metric ?? 0 });
      }
      if (withConnected) {
        for (const i of node.ringInterfaces) {
          if (!cut.has(i.linkIndex) && contains(i.subnet))
            consider({ dev: i.nic, via: i.peer.ip, prefix: rangeOf(i.subnet).prefix, metric: 0 });
        }
      }
      return best;
    };
    if (iif) {
      for (const rule of node.rules ?? []) {
        if (rule.iif !== iif.nic) continue;
        const hit = bestIn(rule.table, false);
        if (hit) return hit;
      }
    }
    return bestIn(MAIN_TABLE, true);
  }
}

/**
 * With the links in `cut` down: for a packet sent from a node to an address, null when it arrives,
 * else why not. The fate of a packet depends only on (node, arrival NIC, destination), so each is
 * remembered: asking for every pair costs one walk per state, not one per path.
 */
export function packetFates(
  forwarding: Forwarding,
  cut: ReadonlySet<number>,
): (from: string, toIp: string) => string | null {
  const outcome = new Map<string, string | null>();
  return (from, toIp) => {
    const walked: string[] = [];
    let node = from;
    let iif: string | undefined;
    let result: string | null | undefined;
    while (result === undefined) {
      const key = `${node}|${iif ?? ""}|${toIp}`;
      if (outcome.has(key)) result = outcome.get(key)!;
      else if (walked.includes(key) || walked.length > MAX_HOPS) result = "loop: TTL exceeded";
      else {
        walked.push(key);
        const step = forwarding.step(node, toIp, iif, cut);
        if (step.kind === "delivered") result = null;
        else if (step.kind === "dropped") result = step.reason;
        else {
          node = step.node;
          iif = step.iif;
        }
      }
    }
    for (const key of walked) outcome.set(key, result);
    return result;
  };
}

export interface UnprotectedPath {
  cut: number;
  from: string;
  to: string;
  reason: string;
}

/**
 * Every (cut link, source node, ring address not on the cut link) whose request or reply does not
 * arrive. The reply goes from the address's owner back to the source's address on the NIC the
 * request left by, as the kernel picks a ping's source address.
 */
export function unprotectedPaths(nodes: ForwardingNode[], links: PlannedLink[]): UnprotectedPath[] {
  const forwarding = new Forwarding(nodes);
  const found: UnprotectedPath[] = [];
  for (const cutLink of links) {
    const cut = new Set([cutLink.index]);
    const fate = packetFates(forwarding, cut);
    for (const source of nodes) {
      for (const link of links) {
        if (link.index === cutLink.index) continue;
        for (const end of [link.a, link.b]) {
          if (end.node === source.name) continue;
          const request = fate(source.name, end.ip);
          if (request !== null) {
            found.push({ cut: cutLink.index, from: source.name, to: end.ip, reason: request });
            continue;
          }
          const first = forwarding.step(source.name, end.ip, undefined, cut);
          const dev = first.kind === "next" ? first.dev : undefined;
          const sourceIp = source.ringInterfaces.find((i) => i.nic === dev)?.ip;
          const reply = sourceIp === undefined ? null : fate(end.node, sourceIp);
          if (reply !== null)
            found.push({ cut: cutLink.index, from: source.name, to: end.ip, reason: `reply: ${reply}` });
        }
      }
    }
  }
  return found;
}
