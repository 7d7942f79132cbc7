/** Which steps a node runs and what its packages step installs: plan facts that run.sh, RUNBOOK.md and `homegarden plan` share. */
import type { ClusterPlan, PlannedNode } from "./plan.js";
import { stepAppliesTo, type PlannedStep } from "./steps.js";

/** The step name without its number: "01-ring-network" -> "ring-network". */
export function stepName(step: PlannedStep): string {
  return step.id.replace(/^[0-9]+-/, "");
}

/** The id of the step named `name` ("packages" -> "05-packages"); a name no step has is a bug. */
export function stepIdOf(plan: ClusterPlan, name: string): string {
  const step = plan.steps.find((s) => stepName(s) === name);
  if (!step) throw new Error(`no step named ${name}`);
  return step.id;
}

export function stepsOf(plan: ClusterPlan, node: PlannedNode): PlannedStep[] {
  return plan.steps.filter((s) => stepAppliesTo(s, node.isFirst));
}

/** Packages of the "packages" step (keepalived comes with its own step, as in the seed). */
export function packagesOf(plan: ClusterPlan): string[] {
  const packages = [
    "drbd-dkms",
    "drbd-utils",
    "drbd-reactor",
    "linstor-proxmox",
    "linstor-controller",
    "linstor-satellite",
    "linstor-client",
  ];
  if (plan.linstor.ha.vipManager === "ocf") packages.push("resource-agents");
  return packages;
}
