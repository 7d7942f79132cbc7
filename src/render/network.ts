/** Ring network: ifupdown2 stanzas for the ring NICs and the forwarding sysctl file. */
import type { PlannedRoute } from "../plan/ring.js";
import { MODE_FILE, type Artifact } from "./artifact.js";
import type { NodeRenderInput } from "./context.js";
import { headerFor, renderTemplate } from "./engine.js";

export const RING_INTERFACES_PATH = "etc/network/interfaces.d/homegarden-ring";
export const RING_SYSCTL_PATH = "etc/sysctl.d/90-homegarden-ring.conf";

export function renderNetwork({ plan, node }: NodeRenderInput): Artifact[] {
  const routesByNic: Record<string, PlannedRoute[]> = {};
  for (const route of node.routes) (routesByNic[route.dev] ??= []).push(route);
  const data = { header: headerFor(plan, node), plan, node, routesByNic };
  return [
    {
      node: node.name,
      path: `files/${RING_INTERFACES_PATH}`,
      mode: MODE_FILE,
      source: "network",
      content: renderTemplate(`files/${RING_INTERFACES_PATH}`, data),
    },
    {
      node: node.name,
      path: `files/${RING_SYSCTL_PATH}`,
      mode: MODE_FILE,
      source: "network",
      content: renderTemplate(`files/${RING_SYSCTL_PATH}`, data),
    },
  ];
}
