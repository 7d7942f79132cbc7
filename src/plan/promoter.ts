/** drbd-reactor's promoter for the controller database: where its snippet goes and what it starts. Pure. */
import type { ClusterPlan, PlannedNode } from "./plan.js";

/** The promoter snippet's path on the node (below /), named after the database resource. */
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
