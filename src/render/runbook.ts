/** Cluster-wide review files: RUNBOOK.md (the operator's order and tables) and plan.json. */
import type { ClusterPlan } from "../plan/plan.js";
import { MODE_FILE, type Artifact } from "./artifact.js";
import { headerFor, renderTemplate } from "./engine.js";
import { alignMarkdownTables, formatJson } from "./format.js";
import { stepsOf } from "./run-script.js";
import { routeRole } from "./route-role.js";

/** JSON with object keys sorted at every level, so plan.json never reorders by accident. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortedKeys(value));
}

function sortedKeys(value: unknown): unknown {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === "object" && !Buffer.isBuffer(v)) {
      return Object.fromEntries(
        Object.keys(v as Record<string, unknown>)
          .sort()
          .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.parse(JSON.stringify(sortKeys(value))) as unknown;
}

export async function renderRunbook(plan: ClusterPlan): Promise<Artifact[]> {
  const stepTable = plan.steps.map((step) => ({
    step,
    cells: plan.nodes.map((node) => stepsOf(plan, node).some((s) => s.id === step.id)),
  }));
  const markdown = renderTemplate("RUNBOOK.md", { header: headerFor(plan), plan, stepTable, routeRole });
  const runbook =
    alignMarkdownTables(markdown) ??
    (await (await import("prettier")).format(markdown, { parser: "markdown", proseWrap: "preserve" }));
  const planJson = formatJson(sortedKeys(plan));
  return [
    { path: "RUNBOOK.md", mode: MODE_FILE, source: "runbook", content: runbook },
    { path: "plan.json", mode: MODE_FILE, source: "runbook", content: planJson },
  ];
}
