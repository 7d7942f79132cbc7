import type { ResolvedSecrets } from "../config/validate.js";
import type { VendoredDeb } from "../config/validate-apt.js";
import type { ClusterPlan, PlannedNode } from "../plan/plan.js";

/** What every per-node render module gets. */
export interface NodeRenderInput {
  plan: ClusterPlan;
  node: PlannedNode;
  secrets: ResolvedSecrets;
  /** Bytes of the vendored LINBIT keyring, if any. */
  keyring?: Buffer;
  /** Vendored .deb packages, if any. */
  debs?: VendoredDeb[];
}
