/**
 * The ring section: pool, prefix, avoid list, MTUs, and every link's ends, NICs, subnet and
 * addresses (written or derived from the nodes' ringNics), and the nodes' pinned ring MACs. Field
 * rules only: subnet allocation, overlaps and the topology are the planner's (plan/ring-check.ts).
 */
import { catalogue } from "../diagnostics/catalogue.js";
import type { ConfigPath } from "../diagnostics/diagnostic.js";
import { isNetworkOrBroadcast, isValidHostAddress, isValidNetwork, networkContains, usableHosts } from "../address.js";
import type { Findings } from "./findings.js";
import { ringLinksOf, ringNicCount, type RingLinks } from "./ring-links.js";
import { checkInterfaceName, isInt, MAC_ADDRESS } from "./rules.js";
import type { ResolvedConfig } from "./schema.js";
import type { NodeFacts } from "./validate-nodes.js";

export interface ValidatedRing {
  ringLinks: RingLinks;
  /** False when the links cannot be planned at all (the findings say why). */
  usable: boolean;
}

export function validateRing(config: ResolvedConfig, nodeFacts: NodeFacts, f: Findings): ValidatedRing {
  const { ring, nodes } = config;
  if (ring.prefix !== undefined && !isInt(ring.prefix, 16, 31))
    f.add(catalogue.prefixInvalid, ["ring", "prefix"], ring.prefix);
  if (ring.pool !== undefined && !isValidNetwork(ring.pool))
    f.add(catalogue.networkInvalid, ["ring", "pool"], ring.pool);
  (ring.avoid ?? []).forEach((net, i) => {
    if (!isValidNetwork(net)) f.add(catalogue.networkInvalid, ["ring", "avoid", i], net);
  });
  if (ring.mtu !== undefined && !isInt(ring.mtu, 576, 9216)) f.add(catalogue.mtuInvalid, ["ring", "mtu"], ring.mtu);

  const ringLinks = ringLinksOf(config);
  let usable = true;
  if (ring.links) {
    nodes.forEach((node, i) => {
      if (node.ringNics !== undefined) f.add(catalogue.ringNicsUnused, ["nodes", i, "ringNics"], node.name);
    });
  } else if (ringLinks.topology === "graph") {
    f.add(catalogue.graphNeedsLinks, ["ring", "topology"]);
    usable = false;
  } else {
    const wanted = ringNicCount(ringLinks.topology, nodes.length);
    nodes.forEach((node, i) => {
      const count = node.ringNics?.length ?? 0;
      if (count !== wanted) {
        const path: ConfigPath = node.ringNics ? ["nodes", i, "ringNics"] : ["nodes", i, "name"];
        f.add(catalogue.ringNicsCount, path, node.name, count, ringLinks.topology, wanted);
        usable = false;
      }
    });
  }
  if (usable) usable = checkLinks(ringLinks, nodeFacts, f);
  checkRingMacs(config, ringLinks, usable, f);
  return { ringLinks, usable };
}

function checkLinks(ringLinks: RingLinks, nodeFacts: NodeFacts, f: Findings): boolean {
  let usable = true;
  const nics = new Map(nodeFacts.nics);
  ringLinks.links.forEach((link, i) => {
    const origin = ringLinks.origins[i];
    for (const side of ["a", "b"] as const) {
      const [nodeName, nic] = link[side];
      if (!nodeFacts.names.has(nodeName)) {
        f.add(catalogue.unknownNode, origin[side], nodeName);
        usable = false;
      }
      checkInterfaceName(nic, origin[side], f);
      const key = `${nodeName}/${nic}`;
      const other = nics.get(key);
      if (other !== undefined) f.add(catalogue.nicUsedTwice, origin[side], nodeName, nic, other);
      else nics.set(key, origin.label);
    }
    if (link.a[0] === link.b[0]) {
      f.add(catalogue.selfLink, origin.link, link.a[0]);
      usable = false;
    }
    if (link.mtu !== undefined && !isInt(link.mtu, 576, 9216))
      f.add(catalogue.mtuInvalid, [...origin.link, "mtu"], link.mtu);
    const subnet = link.subnet;
    if (subnet !== undefined) {
      if (!isValidNetwork(subnet)) {
        f.add(catalogue.networkInvalid, [...origin.link, "subnet"], subnet);
        usable = false;
      } else if (usableHosts(subnet) < 2) {
        f.add(catalogue.subnetTooSmall, [...origin.link, "subnet"], subnet);
        usable = false;
      }
    }
    if (link.addresses === undefined) return;
    const path: ConfigPath = [...origin.link, "addresses"];
    if (subnet === undefined) {
      f.add(catalogue.linkAddressesNeedSubnet, path);
      usable = false;
      return;
    }
    if (!usable || !isValidNetwork(subnet)) return;
    const prefix = subnet.split("/")[1];
    link.addresses.forEach((address, end) => {
      if (!isValidHostAddress(`${address}/${prefix}`)) {
        f.add(catalogue.addressInvalid, [...path, end], address);
        usable = false;
      } else if (!networkContains(subnet, address)) {
        f.add(catalogue.linkAddressOutsideSubnet, [...path, end], address, subnet, origin.label);
        usable = false;
      } else if (isNetworkOrBroadcast(`${address}/${prefix}`)) {
        f.add(catalogue.linkAddressReserved, [...path, end], address, subnet);
        usable = false;
      }
    });
  });
  return usable;
}

/** Pinned MACs of ring NICs: a valid MAC, for a NIC this node really has on the ring. */
function checkRingMacs(config: ResolvedConfig, ringLinks: RingLinks, linksUsable: boolean, f: Findings): void {
  config.nodes.forEach((node, i) => {
    const ringNicsOfNode = ringLinks.links.flatMap((l) => [l.a, l.b]).filter(([n]) => n === node.name);
    for (const [nic, mac] of Object.entries(node.ringMacs ?? {})) {
      const path: ConfigPath = ["nodes", i, "ringMacs", nic];
      if (!MAC_ADDRESS.test(mac)) f.add(catalogue.macInvalid, path, mac);
      else if (linksUsable && !ringNicsOfNode.some(([, n]) => n === nic))
        f.add(catalogue.ringMacUnknownNic, path, nic, node.name, ringNicsOfNode.map(([, n]) => n).join(", ") || "none");
    }
  });
}
