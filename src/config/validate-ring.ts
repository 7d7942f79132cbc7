/** Ring topology rules of the validator: node degrees, mesh completeness, connectivity, fallback coverage. */
import { catalogue } from "../diagnostics/catalogue.js";
import { fallbackRoutingOf, RingGraph } from "../plan/fallback.js";
import { unprotectedPaths } from "../plan/forwarding.js";
import { unreachableNodes, type PlannedLink } from "../plan/ring.js";
import type { RingLinks } from "../plan/topology.js";
import type { ClusterConfig } from "./types.js";
import type { Findings } from "./findings.js";

const touches = (link: PlannedLink, node: string): boolean => link.a.node === node || link.b.node === node;

export function checkTopology(config: ClusterConfig, ring: RingLinks, planned: PlannedLink[], f: Findings): void {
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

/**
 * routed-fallback: every link must have an alternative (no bridge), and the planned routes must
 * deliver every request and reply around any one cut link (checked by following them).
 */
export function checkFallbackCoverage(
  config: ClusterConfig,
  ring: RingLinks,
  planned: PlannedLink[],
  f: Findings,
): void {
  const nodeNames = config.nodes.map((n) => n.name);
  let bridges = 0;
  for (const link of planned) {
    const cutOff = unreachableNodes(
      nodeNames,
      planned.filter((l) => l !== link),
    );
    if (cutOff.length > 0) {
      f.add(catalogue.linkIsBridge, ring.origins[link.index].link, ring.origins[link.index].label, cutOff.join(", "));
      bridges += 1;
    }
  }
  if (bridges > 0) return;
  const graph = new RingGraph(nodeNames, planned);
  const nodes = nodeNames.map((name) => ({
    name,
    ringInterfaces: graph.interfacesOf(name),
    ...fallbackRoutingOf(name, graph),
  }));
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
