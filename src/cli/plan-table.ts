/** `homegarden plan` as plain text tables. */
import type { ClusterPlan } from "../plan/plan.js";
import { routeRole } from "../render/route-role.js";
import { stepsOf } from "../render/run-script.js";

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") + "\n";
}

export function formatPlan(plan: ClusterPlan): string {
  const parts: string[] = [];
  parts.push(
    `cluster ${plan.cluster}: ${plan.nodes.length} nodes, Proxmox VE ${plan.proxmoxRelease}, ring topology ${plan.topology}, routing ${plan.routing}\n`,
  );
  parts.push(
    "\nLinks\n" +
      table(
        ["link", "subnet", "a", "b"],
        plan.links.map((l) => [
          String(l.index),
          l.subnet,
          `${l.a.node} ${l.a.nic} ${l.a.ip}`,
          `${l.b.node} ${l.b.nic} ${l.b.ip}`,
        ]),
      ),
  );
  parts.push(
    "\nAddresses\n" +
      table(
        ["node", "management", "storage", "ring", "corosync"],
        plan.nodes.map((n) => [
          n.name,
          `${n.management.cidr} ${n.management.iface}`,
          `${n.storage.cidr} ${n.storage.iface}`,
          n.ringInterfaces.map((i) => `${i.address} ${i.nic}`).join(", "),
          n.corosyncAddresses.join(", "),
        ]),
      ),
  );
  const fallback = plan.routing === "routed-fallback";
  parts.push(
    "\nRoutes\n" +
      table(
        ["node", "destination", "via", "dev", "hops", ...(fallback ? ["role"] : [])],
        plan.nodes.flatMap((n) =>
          n.routes.map((r) => [
            n.name,
            r.destination,
            `${r.via} (${r.viaNode})`,
            r.dev,
            String(r.distance),
            ...(fallback ? [routeRole(r)] : []),
          ]),
        ),
      ),
  );
  if (fallback)
    parts.push(
      "\nU-turn rules\n" +
        table(
          ["node", "iif", "table", "priority"],
          plan.nodes.flatMap((n) => (n.rules ?? []).map((r) => [n.name, r.iif, String(r.table), String(r.priority)])),
        ),
    );
  const vip = plan.linstor.ha.vip;
  parts.push(
    `\nVIPs (${plan.linstor.ha.vipManager}): storage ${vip.storage.cidr}${vip.management ? `, management ${vip.management.cidr}` : ""}\n`,
  );
  parts.push(
    "\nSteps\n" +
      table(
        ["step", ...plan.nodes.map((n) => n.name), "waits for"],
        plan.steps.map((s) => [
          s.id,
          ...plan.nodes.map((n) => (stepsOf(plan, n).some((x) => x.id === s.id) ? "run" : "-")),
          s.waitsFor ?? "",
        ]),
      ),
  );
  return parts.join("");
}
