/** LINBIT apt source (deb822) and, when vendored, its keyring. */
import { MODE_FILE, type Artifact } from "./artifact.js";
import type { NodeRenderInput } from "./context.js";
import { headerFor, renderTemplate } from "./engine.js";

export function renderApt({ plan, node, keyring }: NodeRenderInput): Artifact[] {
  const out: Artifact[] = [
    {
      node: node.name,
      path: "files/etc/apt/sources.list.d/linbit.sources",
      mode: MODE_FILE,
      source: "apt",
      content: renderTemplate("files/etc/apt/sources.list.d/linbit.sources", { header: headerFor(plan, node), plan }),
    },
  ];
  if (keyring)
    out.push({
      node: node.name,
      path: `files${plan.apt.keyringPath}`,
      mode: MODE_FILE,
      source: "apt",
      content: keyring,
    });
  return out;
}
