/**
 * The ring as planned, with what the planner finds about it: every link's subnet (explicit or
 * allocated from the pool), no declared network overlapping another or the avoid list, no ring
 * address colliding with a node's or a VIP's, every node with enough links, the ring connected, and
 * in routed-fallback no link a bridge and (on the planned routes) every link's loss survived. Runs
 * once, on a config whose fields are valid.
 */
import { catalogue } from "../diagnostics/catalogue.js";
import type { ConfigPath } from "../diagnostics/diagnostic.js";
import { networksOverlap, parseHostAddress } from "../address.js";
import type { Findings } from "../config/findings.js";
import type { RingLinks } from "../config/ring-links.js";
import { AddressClaims } from "../config/rules.js";
import type { ResolvedConfig } from "../config/schema.js";
import { unprotectedPaths, type ForwardingNode } from "./forwarding.js";
import { allocateLinkSubnets, planLinks, unreachableNodes, type PlannedLink } from "./ring.js";

interface DeclaredNetwork {
  network: string;
  path: ConfigPath;
  label: string;
}

/** The planned links, or undefined when they cannot be planned (an error finding says why). */
export function planRing(
  config: ResolvedConfig,
  ring: RingLinks,
  claimedAddresses: ReadonlyMap<string, string>,
  f: Findings,
): PlannedLink[] | undefined {
  const links = allocate(config, ring, claimedAddresses, f);
  if (!links || f.errors.length > 0) return undefined;
  checkTopology(config, ring, links, f);
  if (f.errors.length > 0) return undefined;
  if (config.ring.routing === "routed-fallback") checkNoBridge(config, ring, links, f);
  return f.errors.length > 0 ? undefined : links;
}

function allocate(
  config: ResolvedConfig,
  ring: RingLinks,
  claimedAddresses: ReadonlyMap<string, string>,
  f: Findings,
): PlannedLink[] | undefined {
  const first = config.nodes[0];
  const declared: DeclaredNetwork[] = (["management", "storage"] as const).map((net) => ({
    network: parseHostAddress(first[net].address).network,
    path: ["nodes", 0, net, "address"],
    label: `${net} network`,
  }));
  const avoid = config.ring.avoid ?? [];
  const { pool, prefix } = config.ring;
  const allocation = allocateLinkSubnets(ring.links, pool, prefix, [...declared.map((d) => d.network), ...avoid]);
  if (!allocation.ok) {
    const origin = ring.origins[allocation.linkIndex];
    if (!pool) f.add(catalogue.poolMissing, origin.link, origin.label);
    else f.add(catalogue.poolExhausted, ["ring", "pool"], pool, prefix, origin.label);
    return undefined;
  }
  allocation.subnets.forEach((subnet, i) => {
    const origin = ring.origins[i];
    declared.push({
      network: subnet,
      path: ring.links[i].subnet ? [...origin.link, "subnet"] : origin.link,
      label: origin.label,
    });
  });
  const errorsBefore = f.errors.length;
  declared.forEach((here, i) => {
    for (const earlier of declared.slice(0, i)) {
      if (networksOverlap(here.network, earlier.network))
        f.add(catalogue.networksOverlap, here.path, here.network, here.label, earlier.network, earlier.label);
    }
    for (const net of avoid) {
      if (networksOverlap(here.network, net)) f.add(catalogue.networkInAvoidList, here.path, here.network, net);
    }
  });
  const links = planLinks(ring.links, allocation.subnets);
  // Ring addresses must not collide with anything else either (overlapping subnets already explain
  // any collision inside them).
  if (f.errors.length === errorsBefore) {
    const claims = new AddressClaims(claimedAddresses);
    for (const link of links) {
      const origin = ring.origins[link.index];
      claims.claim(link.a.address, `${origin.label} end a`, origin.a, f);
      claims.claim(link.b.address, `${origin.label} end b`, origin.b, f);
    }
  }
  return links;
}

const touches = (link: PlannedLink, node: string): boolean => link.a.node === node || link.b.node === node;

/** Node degrees, mesh completeness, connectivity. */
function checkTopology(config: ResolvedConfig, ring: RingLinks, planned: PlannedLink[], f: Findings): void {
  const nodeNames = config.nodes.map((n) => n.name);
  config.nodes.forEach((node, i) => {
    const degree = planned.filter((l) => touches(l, node.name)).length;
    if (ring.topology === "ring" && degree !== 2)
      f.add(catalogue.ringNodeDegree, ["nodes", i, "name"], node.name, degree);
    else if (degree < 2) f.add(catalogue.ringDegree, ["nodes", i, "name"], node.name, degree);
  });
  if (ring.topology === "mesh") {
    nodeNames.forEach((a, i) => {
      for (const b of nodeNames.slice(i + 1)) {
        if (!planned.some((l) => touches(l, a) && touches(l, b)))
          f.add(catalogue.meshPairMissing, ring.derived ? ["nodes", i, "ringNics"] : ["ring", "links"], a, b);
      }
    });
  }
  const unreachable = unreachableNodes(nodeNames, planned);
  if (unreachable.length > 0)
    f.add(catalogue.disconnected, ring.derived ? ["nodes"] : ["ring", "links"], unreachable.join(", "));
}

/** routed-fallback: every link must have an alternative (no link is a bridge). */
function checkNoBridge(config: ResolvedConfig, ring: RingLinks, planned: PlannedLink[], f: Findings): void {
  const nodeNames = config.nodes.map((n) => n.name);
  for (const link of planned) {
    const cutOff = unreachableNodes(
      nodeNames,
      planned.filter((l) => l !== link),
    );
    if (cutOff.length > 0)
      f.add(catalogue.linkIsBridge, ring.origins[link.index].link, ring.origins[link.index].label, cutOff.join(", "));
  }
}

/**
 * routed-fallback: the planned routes must deliver every request and reply around any one cut link
 * (checked by following them, on the nodes as planned).
 */
export function checkFallbackProtection(
  nodes: ForwardingNode[],
  ring: RingLinks,
  planned: PlannedLink[],
  f: Findings,
): void {
  const failures = unprotectedPaths(nodes, planned);
  for (const link of planned) {
    const here = failures.filter((x) => x.cut === link.index);
    if (here.length === 0) continue;
    const first = here[0];
    f.add(
      catalogue.fallbackUnprotected,
      ring.origins[link.index].link,
      ring.origins[link.index].label,
      here.length,
      `${first.from} to ${first.to} (${first.reason})`,
    );
  }
}
