/** The linstor section: storage pool, resource groups and their DRBD options, the HA controller and its VIPs. */
import { catalogue } from "../diagnostics/catalogue.js";
import type { ConfigPath } from "../diagnostics/diagnostic.js";
import { isNetworkOrBroadcast, isValidHostAddress, networkContains, parseHostAddress } from "../address.js";
import { disklessOnRemainingDropped } from "./defaults.js";
import { checkDrbdOption, drbdOptionSource } from "./drbd-options.js";
import type { Findings } from "./findings.js";
import {
  checkHostAddress,
  DRBD_OPTION_KEY,
  isInt,
  PLAIN_VALUE,
  PROPERTY_KEY,
  SIZE,
  validLinstorName,
} from "./rules.js";
import type { ResolvedConfig } from "./schema.js";
import type { ResourceGroupConfig } from "./types.js";
import type { NodeFacts } from "./validate-nodes.js";

export function validateLinstor(config: ResolvedConfig, nodeFacts: NodeFacts, f: Findings): void {
  const { linstor } = config;
  const { ha } = linstor;
  checkVips(config, nodeFacts, f);
  if (!validLinstorName(linstor.storagePool.name))
    f.add(catalogue.linstorNameInvalid, ["linstor", "storagePool", "name"], "storage pool", linstor.storagePool.name);
  const groupNames = new Set<string>();
  linstor.resourceGroups.forEach((g, i) =>
    checkGroup(config, g, ["linstor", "resourceGroups", i], false, groupNames, f),
  );
  checkGroup(config, ha.resourceGroup, ["linstor", "ha", "resourceGroup"], true, groupNames, f);
  if (!validLinstorName(ha.dbResource))
    f.add(catalogue.linstorNameInvalid, ["linstor", "ha", "dbResource"], "resource", ha.dbResource);
  if (!SIZE.test(ha.dbSize)) f.add(catalogue.sizeInvalid, ["linstor", "ha", "dbSize"], ha.dbSize);
  for (const [key, value] of Object.entries(linstor.nodeProperties ?? {})) {
    if (!PROPERTY_KEY.test(key) || typeof value !== "string" || !PLAIN_VALUE.test(value))
      f.add(catalogue.nodePropertyInvalid, ["linstor", "nodeProperties", key], key);
  }
}

/** A VIP is a free address of the network every node shares on its side (storage or management). */
function checkVips(config: ResolvedConfig, nodeFacts: NodeFacts, f: Findings): void {
  const nodes = config.nodes;
  for (const kind of ["storage", "management"] as const) {
    const vip = config.linstor.ha.vip[kind];
    if (vip === undefined) continue;
    const path: ConfigPath = ["linstor", "ha", "vip", kind];
    if (!checkHostAddress(vip, path, f)) continue;
    const vipIp = vip.split("/")[0];
    const owner = nodes.find((n) => isValidHostAddress(n[kind].address) && n[kind].address.split("/")[0] === vipIp);
    if (owner) {
      f.add(catalogue.vipAddressTaken, path, vip, owner.name);
      continue;
    }
    nodeFacts.addresses.claim(vip, `linstor.ha.vip.${kind}`, path, f);
    // Every node's address on this network is in one shared network (HG210 otherwise), so the VIP
    // fits every node's interface exactly when it fits that network; a node that breaks HG210 is
    // reported there, not here as well.
    const shared = nodeFacts.networks[kind];
    const owner0 = nodes.find((n) => isValidHostAddress(n[kind].address) && !isNetworkOrBroadcast(n[kind].address));
    if (shared === undefined || owner0 === undefined) continue;
    if (!networkContains(shared, vipIp)) f.add(catalogue.vipOutsideSubnet, path, vip, owner0.name, shared);
    else if (parseHostAddress(vip).network !== shared)
      f.add(catalogue.vipPrefixMismatch, path, vip, owner0.name, owner0[kind].address);
  }
}

function checkGroup(
  config: ResolvedConfig,
  group: ResourceGroupConfig,
  path: ConfigPath,
  isHa: boolean,
  groupNames: Set<string>,
  f: Findings,
): void {
  const nodeCount = config.nodes.length;
  const linstorVersion = config.versions?.linstor;
  if (!validLinstorName(group.name))
    f.add(catalogue.linstorNameInvalid, [...path, "name"], "resource group", group.name);
  else if (groupNames.has(group.name)) f.add(catalogue.resourceGroupDuplicate, [...path, "name"], group.name);
  groupNames.add(group.name);
  if (!isInt(group.placeCount, 1, 255))
    f.add(catalogue.placeCountTooLow, [...path, "placeCount"], group.name, group.placeCount);
  // With fewer than 3 nodes HG103 already names the cause; the HA group cannot fit either way.
  else if (group.placeCount > nodeCount && !(isHa && nodeCount < 3))
    f.add(catalogue.placeCountTooHigh, [...path, "placeCount"], group.name, group.placeCount, nodeCount);
  else if (isHa && group.placeCount < 3) f.add(catalogue.haPlaceCountTooLow, [...path, "placeCount"], group.placeCount);
  if (linstorVersion !== undefined && group.placeCount < nodeCount && disklessOnRemainingDropped(group, linstorVersion))
    f.add(
      catalogue.disklessClientsNoVote,
      [...path, "disklessOnRemaining"],
      group.name,
      group.placeCount,
      linstorVersion,
    );
  for (const [key, value] of Object.entries(group.drbdOptions ?? {})) {
    const at = [...path, "drbdOptions", key];
    if (!DRBD_OPTION_KEY.test(key) || typeof value !== "string" || !PLAIN_VALUE.test(value)) {
      f.add(catalogue.drbdOptionInvalid, at, key, String(value));
      continue;
    }
    const checked = checkDrbdOption(key, value, linstorVersion);
    if (checked.ok) continue;
    if (checked.unknown)
      f.add(catalogue.drbdOptionUnknown, at, key, checked.suggestion ?? "", drbdOptionSource(linstorVersion));
    else f.add(catalogue.drbdOptionValueInvalid, at, key, value, checked.expected);
  }
}
