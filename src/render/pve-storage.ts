/** The Proxmox storage.cfg `drbd:` stanza, appended once on the first node (/etc/pve is cluster-wide). */
import { MODE_FILE, type Artifact } from "../artifact.js";
import type { NodeRenderInput } from "./context.js";
import { renderFile } from "./engine.js";

export function renderPveStorage({ plan, node }: NodeRenderInput): Artifact[] {
  if (!node.isFirst) return [];
  // No header comment: the stanza is appended verbatim to /etc/pve/storage.cfg.
  return [
    {
      node: node.name,
      path: "fragments/pve-storage.cfg",
      mode: MODE_FILE,
      source: "pve-storage",
      ...renderFile("fragments/pve-storage.cfg", { plan }),
    },
  ];
}
