/** drbd-reactor snippets: the promoter that runs the controller, and the Prometheus exporter. */
import type { PlannedNode, ClusterPlan } from "../plan/plan.js";
import { MODE_FILE, type Artifact } from "../artifact.js";
import type { NodeRenderInput } from "./context.js";
import { headerFor, renderFile } from "./engine.js";

export function promoterPath(plan: ClusterPlan): string {
  return `etc/drbd-reactor.d/${plan.linstor.ha.dbResource}.toml`;
}

/** Units (and, with vipManager "ocf", IPaddr2 agents) the promoter starts, in order. */
export function promoterStart(plan: ClusterPlan, node: PlannedNode): string[] {
  const start = ["var-lib-linstor.mount", "linstor-controller.service"];
  if (plan.linstor.ha.vipManager === "ocf") {
    const { storage, management } = plan.linstor.ha.vip;
    start.push(
      `ocf:heartbeat:IPaddr2 vip_storage ip=${storage.ip} cidr_netmask=${storage.prefix} nic=${node.storage.iface}`,
    );
    if (management)
      start.push(
        `ocf:heartbeat:IPaddr2 vip_management ip=${management.ip} cidr_netmask=${management.prefix} nic=${node.management.iface}`,
      );
  }
  return start;
}

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
