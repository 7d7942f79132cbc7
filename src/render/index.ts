/** ClusterPlan -> every artifact of every bundle, plus the cluster-wide files. */
import type { ResolvedSecrets } from "../config/validate.js";
import type { VendoredDeb } from "../config/validate-apt.js";
import type { ClusterPlan } from "../plan/plan.js";
import { renderApt } from "./apt.js";
import type { Artifact } from "../artifact.js";
import { renderBench } from "./bench.js";
import type { NodeRenderInput } from "./context.js";
import { renderDrbdReactor } from "./drbd-reactor.js";
import { renderKeepalived } from "./keepalived.js";
import { renderLinstor } from "./linstor.js";
import { renderNetwork } from "./network.js";
import { renderPveStorage } from "./pve-storage.js";
import { renderRunbook } from "./runbook.js";
import { renderRunScript } from "./run-script.js";
import { renderTopology } from "./topology.js";

const NODE_RENDERERS: ((input: NodeRenderInput) => Artifact[])[] = [
  renderNetwork,
  renderApt,
  renderLinstor,
  renderDrbdReactor,
  renderKeepalived,
  renderPveStorage,
  renderBench,
  renderRunScript,
];

export interface RenderOptions {
  secrets: ResolvedSecrets;
  keyring?: Buffer;
  debs?: VendoredDeb[];
  /** Render only these nodes' bundles (all when undefined). */
  nodes?: string[];
}

/** Every node bundle's artifacts (no cluster-wide files): synchronous and cheap. */
export function renderNodeArtifacts(plan: ClusterPlan, options: RenderOptions): Artifact[] {
  const artifacts: Artifact[] = [];
  for (const node of plan.nodes) {
    if (options.nodes && !options.nodes.includes(node.name)) continue;
    const input: NodeRenderInput = {
      plan,
      node,
      secrets: options.secrets,
      ...(options.keyring ? { keyring: options.keyring } : {}),
      ...(options.debs ? { debs: options.debs } : {}),
    };
    for (const render of NODE_RENDERERS) {
      // Encoded as soon as rendered: the text dies young, so the garbage collector never copies it
      // (copying surviving strings was most of a 256-node render's collection time).
      for (const a of render(input))
        artifacts.push(typeof a.content === "string" ? { ...a, content: Buffer.from(a.content, "utf8") } : a);
    }
  }
  return artifacts;
}

export async function renderCluster(plan: ClusterPlan, options: RenderOptions): Promise<Artifact[]> {
  return [...renderNodeArtifacts(plan, options), ...renderRunbook(plan), ...renderTopology(plan)];
}
