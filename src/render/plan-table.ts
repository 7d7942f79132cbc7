/** `homegarden plan` as plain text tables. */
import { EXACT_MAX_NODES } from "../plan/corosync.js";
import type { ClusterPlan } from "../plan/plan.js";
import { routeRole } from "../plan/route-role.js";
import { stepsOf } from "../plan/node-steps.js";

function table(header: string[], rows: string[][]): string {
  // A loop, not Math.max(...rows): a 1,024-node ring has a million route rows, past the argument limit.
  const widths = header.map((h) => h.length);
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i], cell.length)));
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
  const survival = plan.corosyncSurvival;
  const knet = plan.corosyncLinks.map((source, i) => `link${i} ${source}`).join(", ");
  parts.push(
    `\nCorosync under single cable faults (${knet}; ${survival.cutsChecked} faults checked` +
      `${survival.complete ? "" : `; above ${EXACT_MAX_NODES} nodes: ring paths taken as whole without a ring fault, ring-only links up to the first isolating fault`})\n` +
      (survival.isolating.length === 0
        ? "every pair of nodes keeps a working knet link after any one of them\n"
        : table(
            ["fault", "pairs left without a knet link"],
            survival.isolating.map(({ cut, pairs, pairCount }) => [
              cut.label,
              pairs.map(([a, b]) => `${a}-${b}`).join(", ") +
                (pairCount > pairs.length ? ` and ${pairCount - pairs.length} more` : ""),
            ]),
          )),
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
