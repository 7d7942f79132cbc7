/** Cluster-wide review files: RUNBOOK.md (the operator's order and tables) and plan.json. */
import type { ClusterPlan } from "../plan/plan.js";
import { MODE_FILE, type Artifact } from "../artifact.js";
import { headerFor, renderFile } from "./engine.js";
import { alignTables } from "../markdown-table.js";
import { stepIdOf, stepsOf } from "../plan/node-steps.js";
import { sortedKeys } from "../sorted-json.js";
import { routeRole } from "../plan/route-role.js";

/**
 * Up to this many nodes RUNBOOK.md lists every route; above it (a route count that grows with the
 * square of the nodes: 65,280 rows for 256) one row per node and next hop, and the routes themselves
 * stay in plan.json and in each bundle's interfaces file.
 */
export const RUNBOOK_ROUTE_TABLE_MAX_NODES = 16;

/** One node's routes through one neighbour (and NIC, and role): how many, and the farthest. */
export interface RouteGroup {
  node: string;
  viaNode: string;
  via: string;
  dev: string;
  role: string;
  routes: number;
  maxHops: number;
}

export function routeGroups(plan: ClusterPlan): RouteGroup[] {
  const groups: RouteGroup[] = [];
  for (const node of plan.nodes) {
    const byKey = new Map<string, RouteGroup>();
    for (const route of node.routes) {
      const role = plan.routing === "routed-fallback" ? routeRole(route) : "";
      const key = `${route.viaNode}\0${route.dev}\0${role}`;
      let group = byKey.get(key);
      if (!group) {
        group = {
          node: node.name,
          viaNode: route.viaNode,
          via: route.via,
          dev: route.dev,
          role,
          routes: 0,
          maxHops: 0,
        };
        byKey.set(key, group);
        groups.push(group);
      }
      group.routes += 1;
      group.maxHops = Math.max(group.maxHops, route.distance);
    }
  }
  return groups;
}

export function renderRunbook(plan: ClusterPlan): Artifact[] {
  const stepTable = plan.steps.map((step) => ({
    step,
    cells: plan.nodes.map((node) => stepsOf(plan, node).some((s) => s.id === step.id)),
  }));
  const routeSummary = plan.nodes.length > RUNBOOK_ROUTE_TABLE_MAX_NODES ? routeGroups(plan) : undefined;
  const markdown = renderFile("RUNBOOK.md", {
    header: headerFor(plan),
    plan,
    stepTable,
    stepIdOf: (name: string): string => stepIdOf(plan, name),
    routeRole,
    routeSummary,
  });
  const runbook = alignTables(markdown.content);
  const planJson = `${JSON.stringify(sortedKeys(plan), null, 2)}\n`;
  return [
    { path: "RUNBOOK.md", mode: MODE_FILE, source: "runbook", template: markdown.template, content: runbook },
    { path: "plan.json", mode: MODE_FILE, source: "runbook", content: planJson },
  ];
}
