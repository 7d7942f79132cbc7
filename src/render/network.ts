/** Ring network: ifupdown2 stanzas for the ring NICs and the forwarding sysctl file. */
import { FALLBACK_METRIC, PRIMARY_METRIC, UTURN_TABLE_BASE } from "../plan/fallback.js";
import type { PlannedRoute, PlannedRule } from "../plan/ring.js";
import { MODE_FILE, type Artifact } from "../artifact.js";
import type { NodeRenderInput } from "./context.js";
import { headerFor, renderFile } from "./engine.js";

export const RING_INTERFACES_PATH = "etc/network/interfaces.d/homegarden-ring";
export const RING_SYSCTL_PATH = "etc/sysctl.d/90-homegarden-ring.conf";

/**
 * A per-NIC IPv4 sysctl key: `net.ipv4.conf.NIC.KEY`, or with slashes when the NIC's name has a dot
 * (a VLAN), which the dotted form would split (sysctl.d(5)).
 */
export function nicSysctlKey(nic: string, key: string): string {
  return nic.includes(".") ? `net/ipv4/conf/${nic}/${key}` : `net.ipv4.conf.${nic}.${key}`;
}

export function renderNetwork({ plan, node }: NodeRenderInput): Artifact[] {
  const routesByNic: Record<string, PlannedRoute[]> = {};
  const rank = { primary: 0, fallback: 1, "u-turn": 2 };
  const ordered = [...node.routes].sort((x, y) => rank[x.role ?? "primary"] - rank[y.role ?? "primary"]);
  for (const route of ordered) (routesByNic[route.dev] ??= []).push(route);
  const rulesByNic: Record<string, PlannedRule[]> = {};
  for (const rule of node.rules ?? []) (rulesByNic[rule.iif] ??= []).push(rule);
  const data = {
    header: headerFor(plan, node),
    plan,
    node,
    routesByNic,
    rulesByNic,
    primaryMetric: PRIMARY_METRIC,
    fallbackMetric: FALLBACK_METRIC,
    tableBase: UTURN_TABLE_BASE,
    ringNics: node.ringInterfaces.map((i) => i.nic),
    nicKey: nicSysctlKey,
  };
  return [
    {
      node: node.name,
      path: `files/${RING_INTERFACES_PATH}`,
      mode: MODE_FILE,
      source: "network",
      ...renderFile(`files/${RING_INTERFACES_PATH}`, data),
    },
    {
      node: node.name,
      path: `files/${RING_SYSCTL_PATH}`,
      mode: MODE_FILE,
      source: "network",
      ...renderFile(`files/${RING_SYSCTL_PATH}`, data),
    },
  ];
}
