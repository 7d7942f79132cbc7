/**
 * "routed-fallback" routing: survives the loss of any one ring link without a routing daemon. Pure.
 *
 * For every ring address T of another node that is not on one of its own links, a node gets:
 * - a primary host route T/32 (metric 10) via the neighbour on a shortest path to T's owner (ties:
 *   the same rule as "routed", see tieOrder);
 * - a fallback host route T/32 (metric 20) via another link. Preferred is a neighbour whose own
 *   primary path to T never comes back through this node (a loop-free alternate); among those (or,
 *   when there is none, among all) the shortest path, then the tie rule.
 * With `net.ipv4.conf.all.ignore_routes_with_linkdown = 1` the kernel skips the primary as soon as
 * its NIC loses carrier, so the fallback takes over at the node next to the cut.
 *
 * Nodes farther away do not see the cut and keep sending towards it; the node next to the cut then
 * sends the packets back the way they came. A U-turn rule catches them: every ring NIC has a policy
 * table (UTURN_TABLE_BASE + the NIC's position among the node's ring interfaces) holding, for every
 * address whose primary leaves by that NIC, the fallback route; `ip rule iif NIC lookup TABLE` applies
 * it to packets that arrived on that NIC. Without a failure no packet ever arrives from the neighbour
 * it would be sent to (shortest paths do not loop), so the rules only act during a cut. A ring of
 * any size needs them: with destination routing alone, a 5-node ring has no loop-free alternate for
 * some node pairs.
 */
import { Forwarding, type ForwardingNode } from "./forwarding.js";
import {
  hopDistances,
  ringInterfacesOf,
  tieOrder,
  type PlannedLink,
  type PlannedRoute,
  type PlannedRule,
  type RingInterface,
} from "./ring.js";

export const PRIMARY_METRIC = 10;
export const FALLBACK_METRIC = 20;
/** Policy routing tables (and rule priorities) 7100, 7101, ...: one per ring NIC, below main's 32766. */
export const UTURN_TABLE_BASE = 7100;

export interface FallbackRouting {
  routes: PlannedRoute[];
  rules: PlannedRule[];
}

/** Shared lookups for one cluster, so every node's routes come from the same shortest paths. */
export class RingGraph {
  private readonly interfaces = new Map<string, RingInterface[]>();
  private readonly distances = new Map<string, Map<string, number>>();

  constructor(
    readonly nodeNames: string[],
    readonly links: PlannedLink[],
  ) {
    for (const name of nodeNames) this.interfaces.set(name, ringInterfacesOf(name, links));
  }

  interfacesOf(node: string): RingInterface[] {
    return this.interfaces.get(node) ?? [];
  }

  /** Hops from `node` to `owner` over the links. */
  distance(node: string, owner: string): number {
    let map = this.distances.get(owner);
    if (!map) {
      map = hopDistances(owner, this.links);
      this.distances.set(owner, map);
    }
    return map.get(node) ?? Infinity;
  }

  /** The interface of `node` on a shortest path to `owner`, by the tie rule. */
  primaryTowards(node: string, owner: string): RingInterface | undefined {
    const own = this.distance(node, owner);
    return this.interfacesOf(node)
      .filter((i) => this.distance(i.peer.node, owner) === own - 1)
      .sort(tieOrder(this.nodeNames, node))[0];
  }

  /**
   * Nodes visited from `start` following primaries towards the owner of an address on `link`, up to
   * and including the first node on that link (which delivers it directly).
   */
  primaryPath(start: string, owner: string, link: PlannedLink): string[] {
    const path = [start];
    let current = start;
    while (current !== link.a.node && current !== link.b.node && path.length <= this.nodeNames.length) {
      const next = this.primaryTowards(current, owner);
      if (!next) break;
      current = next.peer.node;
      path.push(current);
    }
    return path;
  }
}

export function fallbackRoutingOf(node: string, graph: RingGraph): FallbackRouting {
  const own = graph.interfacesOf(node);
  const tableOf = (iface: RingInterface): number => UTURN_TABLE_BASE + own.indexOf(iface);
  const routes: PlannedRoute[] = [];
  const uturns: PlannedRoute[] = [];
  for (const link of graph.links) {
    if (link.a.node === node || link.b.node === node) continue;
    for (const target of [link.a, link.b]) {
      const primary = graph.primaryTowards(node, target.node);
      if (!primary) continue;
      const destination = `${target.ip}/32`;
      routes.push({
        destination,
        via: primary.peer.ip,
        dev: primary.nic,
        viaNode: primary.peer.node,
        distance: graph.distance(node, target.node),
        metric: PRIMARY_METRIC,
        role: "primary",
      });
      const ranked = own
        .filter((i) => i.linkIndex !== primary.linkIndex)
        .map((iface) => {
          const path = graph.primaryPath(iface.peer.node, target.node, link);
          const loopFree = !path.includes(node);
          const reachesTarget = path[path.length - 1] === target.node;
          return { iface, loopFree, hops: 1 + path.length - 1 + (reachesTarget ? 0 : 1) };
        })
        .sort(
          (x, y) =>
            Number(y.loopFree) - Number(x.loopFree) ||
            x.hops - y.hops ||
            tieOrder(graph.nodeNames, node)(x.iface, y.iface),
        );
      const fallback = ranked[0];
      if (!fallback) continue;
      const via = { via: fallback.iface.peer.ip, dev: fallback.iface.nic, viaNode: fallback.iface.peer.node };
      routes.push({ destination, ...via, distance: fallback.hops, metric: FALLBACK_METRIC, role: "fallback" });
      uturns.push({ destination, ...via, distance: fallback.hops, role: "u-turn", table: tableOf(primary) });
    }
  }
  const rules: PlannedRule[] = own
    .filter((iface) => uturns.some((r) => r.table === tableOf(iface)))
    .map((iface) => ({ iif: iface.nic, table: tableOf(iface), priority: tableOf(iface) }));
  return { routes: [...routes, ...uturns], rules };
}

/**
 * Sets each fallback and U-turn route's `distance` to the hops a packet really takes from this node
 * when the primary's link is cut (found by following the planned routes, U-turns included).
 */
export function measureFallbacks<N extends ForwardingNode>(nodes: N[]): N[] {
  const forwarding = new Forwarding(nodes);
  return nodes.map((node) => {
    const primaryLink = new Map<string, number>();
    for (const route of node.routes) {
      if (route.role === "primary")
        primaryLink.set(route.destination, node.ringInterfaces.find((i) => i.nic === route.dev)!.linkIndex);
    }
    const hopsByDestination = new Map<string, number>();
    for (const [destination, linkIndex] of primaryLink) {
      const trace = forwarding.trace(node.name, destination.split("/")[0], new Set([linkIndex]));
      hopsByDestination.set(destination, trace.delivered ? trace.hops : Infinity);
    }
    return {
      ...node,
      routes: node.routes.map((route) =>
        route.role === "fallback" || route.role === "u-turn"
          ? { ...route, distance: hopsByDestination.get(route.destination) ?? route.distance }
          : route,
      ),
    };
  });
}
