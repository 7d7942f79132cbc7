/** keepalived: a VRRP instance on the storage NIC whose VIPs follow the LINSTOR controller. */
import { MODE_SCRIPT, MODE_SECRET, type Artifact } from "../artifact.js";
import type { NodeRenderInput } from "./context.js";
import { headerFor, renderFile } from "./engine.js";

export const CHECK_SCRIPT_PATH = "usr/local/bin/check_linstor.sh";

export function renderKeepalived({ plan, node, secrets }: NodeRenderInput): Artifact[] {
  if (plan.linstor.ha.vipManager !== "keepalived") return [];
  const data = { header: headerFor(plan, node), plan, node, vrrpPassword: secrets.vrrpPassword };
  return [
    {
      node: node.name,
      path: "files/etc/keepalived/keepalived.conf",
      mode: MODE_SECRET,
      source: "keepalived",
      ...renderFile("files/etc/keepalived/keepalived.conf", data),
      secrets: [secrets.vrrpPassword],
      secretKeys: ["auth_pass"],
    },
    {
      node: node.name,
      path: `files/${CHECK_SCRIPT_PATH}`,
      mode: MODE_SCRIPT,
      source: "keepalived",
      ...renderFile(`files/${CHECK_SCRIPT_PATH}`, data),
    },
  ];
}
