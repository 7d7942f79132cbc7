/** The cluster-wide fields: name, node count, proxmox, versions, corosync links, the Proxmox storage entry. */
import { catalogue } from "../diagnostics/catalogue.js";
import { compareVersions, MIN_DRBD_REACTOR } from "./defaults.js";
import type { Findings } from "./findings.js";
import { CLUSTER_NAME, PVE_STORAGE_ID, VERSION } from "./rules.js";
import type { ResolvedConfig } from "./schema.js";

/** pve-common's fingerprint-sha256 format. */
const FINGERPRINT = /^([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}$/;

export function validateCluster(config: ResolvedConfig, f: Findings): void {
  const nodeCount = config.nodes.length;
  if (!CLUSTER_NAME.test(config.name)) f.add(catalogue.clusterNameInvalid, ["name"], config.name);
  if (nodeCount < 3) f.add(catalogue.tooFewNodes, ["nodes"], nodeCount);
  else if (nodeCount % 2 === 0) f.add(catalogue.evenNodeCount, ["nodes"], nodeCount);

  const fingerprint = config.proxmox.fingerprint;
  if (fingerprint !== undefined && !FINGERPRINT.test(fingerprint))
    f.add(catalogue.fingerprintInvalid, ["proxmox", "fingerprint"], fingerprint);

  for (const [tool, version] of Object.entries(config.versions)) {
    if (typeof version !== "string" || !VERSION.test(version))
      f.add(catalogue.versionInvalid, ["versions", tool], String(version));
    else if (tool === "drbdReactor" && compareVersions(version, MIN_DRBD_REACTOR) < 0)
      f.add(catalogue.drbdReactorTooOld, ["versions", tool], version, MIN_DRBD_REACTOR);
  }

  const corosyncLinks = config.corosync.links;
  if (corosyncLinks.length < 1 || corosyncLinks.length > 8)
    f.add(catalogue.corosyncLinkCount, ["corosync", "links"], corosyncLinks.length);

  const pve = config.pveStorage;
  if (!PVE_STORAGE_ID.test(pve.id)) f.add(catalogue.pveStorageIdInvalid, ["pveStorage", "id"], pve.id);
  const groups = config.linstor.resourceGroups.map((g) => g.name);
  if (!groups.includes(pve.resourceGroup))
    f.add(
      catalogue.resourceGroupUnknown,
      ["pveStorage", "resourceGroup"],
      pve.resourceGroup,
      groups.join(", ") || "none",
    );
}
