/** The node's run.sh: its steps in cluster order, each body from templates/run/steps/<name>.sh.eta. */
import type { PlannedStep } from "../plan/steps.js";
import { packagesOf, stepIdOf, stepName, stepsOf } from "../plan/node-steps.js";
import { MODE_SCRIPT, type Artifact } from "../artifact.js";
import type { NodeRenderInput } from "./context.js";
import { promoterPath } from "../plan/promoter.js";
import { nodeChecksOf } from "../plan/checks.js";
import { headerFor, renderFile, renderTemplate, templateLibrary } from "./engine.js";

export function renderRunScript({ plan, node }: NodeRenderInput): Artifact[] {
  const steps = stepsOf(plan, node);
  const first = plan.nodes[0];
  const data: Record<string, unknown> = {
    header: headerFor(plan, node),
    plan,
    node,
    first,
    steps,
    stepId: (name: string): string => stepIdOf(plan, name),
    packages: packagesOf(plan),
    promoterPath: promoterPath(plan),
    checks: nodeChecksOf(plan, node),
    /** A file of run.sh's static library (templates/run/lib/), included as it is. */
    lib: (name: string): string => templateLibrary(`run/lib/${name}`),
  };
  data.stepBody = (step: PlannedStep): string => renderTemplate(`run/steps/${stepName(step)}.sh`, { ...data, step });
  /** The read-only checks of `run.sh preflight|verify|check`, from templates/run/checks/<name>.sh.eta. */
  data.checkBody = (name: "preflight" | "verify" | "drift"): string => renderTemplate(`run/checks/${name}.sh`, data);
  return [
    {
      node: node.name,
      path: "run.sh",
      mode: MODE_SCRIPT,
      source: "run-script",
      ...renderFile("run/run.sh", data),
    },
  ];
}
