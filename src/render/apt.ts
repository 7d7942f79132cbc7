/** apt on the node: the LINBIT source (deb822), a vendored keyring, vendored .deb packages. */
import { MODE_FILE, type Artifact } from "../artifact.js";
import type { NodeRenderInput } from "./context.js";
import { headerFor, renderFile } from "./engine.js";

export function renderApt({ plan, node, keyring, debs }: NodeRenderInput): Artifact[] {
  const out: Artifact[] = [];
  if (plan.apt.uri !== undefined) {
    out.push({
      node: node.name,
      path: "files/etc/apt/sources.list.d/linbit.sources",
      mode: MODE_FILE,
      source: "apt",
      ...renderFile("files/etc/apt/sources.list.d/linbit.sources", { header: headerFor(plan, node), plan }),
    });
  }
  if (keyring) {
    out.push({
      node: node.name,
      path: `files${plan.apt.keyringPath}`,
      mode: MODE_FILE,
      source: "apt",
      content: keyring,
    });
  }
  for (const deb of debs ?? []) {
    out.push({ node: node.name, path: `debs/${deb.name}`, mode: MODE_FILE, source: "apt", content: deb.content });
  }
  return out;
}
