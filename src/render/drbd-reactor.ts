/** drbd-reactor snippets: the promoter that runs the controller, and the Prometheus exporter. */
import { promoterPath, promoterStart } from "../plan/promoter.js";
import { MODE_FILE, type Artifact } from "../artifact.js";
import type { NodeRenderInput } from "./context.js";
import { headerFor, renderFile } from "./engine.js";

export function renderDrbdReactor({ plan, node }: NodeRenderInput): Artifact[] {
  const data = { header: headerFor(plan, node), plan, node, promoterStart: promoterStart(plan, node) };
  const out: Artifact[] = [
    {
      node: node.name,
      path: `files/${promoterPath(plan)}`,
      mode: MODE_FILE,
      source: "drbd-reactor",
      ...renderFile("files/etc/drbd-reactor.d/promoter.toml", data),
    },
  ];
  if (plan.prometheus) {
    out.push({
      node: node.name,
      path: "files/etc/drbd-reactor.d/prometheus.toml",
      mode: MODE_FILE,
      source: "drbd-reactor",
      ...renderFile("files/etc/drbd-reactor.d/prometheus.toml", data),
    });
  }
  return out;
}
