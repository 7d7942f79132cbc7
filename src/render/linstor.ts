/** LINSTOR on the node: DRBD module loading, client config, satellite and controller drop-ins, controller mount unit. */
import { MODE_FILE, type Artifact } from "../artifact.js";
import type { NodeRenderInput } from "./context.js";
import { headerFor, renderFile } from "./engine.js";

const FILES = [
  "etc/modules-load.d/drbd.conf",
  "etc/linstor/linstor-client.conf",
  "etc/systemd/system/linstor-satellite.service.d/homegarden.conf",
  "etc/systemd/system/linstor-controller.service.d/homegarden.conf",
  "etc/systemd/system/var-lib-linstor.mount",
];

export function renderLinstor({ plan, node }: NodeRenderInput): Artifact[] {
  const data = { header: headerFor(plan, node), plan, node };
  return FILES.map((path) => ({
    node: node.name,
    path: `files/${path}`,
    mode: MODE_FILE,
    source: "linstor",
    ...renderFile(`files/${path}`, data),
  }));
}
