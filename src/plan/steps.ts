/**
 * The ordered cross-node procedure (the seed's order, corrected). Each step runs on every node, on
 * the first node only, or on the others; run.sh holds a node's steps in this order, RUNBOOK.md the
 * whole table.
 */
export type StepScope = "all" | "first" | "others";

export interface StepDefinition {
  id: string;
  title: string;
  scope: StepScope;
  /** What the step waits for before acting, shown in the runbook; empty when it waits for nothing. */
  waitsFor?: string;
  /** Only present when the cluster has this: the VIP managed by keepalived, a Prometheus exporter. */
  onlyWith?: keyof StepFeatures;
}

/** What a cluster has that some steps exist for. */
export interface StepFeatures {
  keepalived: boolean;
  prometheus: boolean;
}

export const STEP_DEFINITIONS: readonly StepDefinition[] = [
  { id: "ring-network", title: "Ring NIC addresses, static routes and IP forwarding", scope: "all" },
  { id: "cluster-create", title: "Create the Proxmox cluster with two knet links", scope: "first" },
  {
    id: "cluster-join",
    title: "Join the Proxmox cluster",
    scope: "others",
    waitsFor:
      "the first node's Proxmox API answers (TCP 8006); from the second joiner on, the node before it a member (its API certificate from the cluster's CA)",
  },
  { id: "linbit-apt", title: "LINBIT apt source and keyring", scope: "all" },
  { id: "packages", title: "Install kernel headers, DRBD and LINSTOR packages", scope: "all" },
  { id: "drbd-module", title: "Load the DRBD 9 kernel module now and at boot", scope: "all" },
  { id: "controller-bootstrap", title: "Start the bootstrap LINSTOR controller (not enabled)", scope: "first" },
  { id: "linstor-client", title: "LINSTOR client configuration", scope: "all" },
  {
    id: "zfs-pool",
    title: "Create the mirrored ZFS pool (before the satellite, so that LINSTOR finds it)",
    scope: "all",
  },
  { id: "satellite", title: "LINSTOR satellite drop-in, enable and start", scope: "all" },
  {
    id: "linstor-nodes",
    title: "Register LINSTOR nodes and their properties",
    scope: "first",
    waitsFor: "each satellite answers (TCP 3366), then each LINSTOR node is Online",
  },
  {
    id: "storage-pools",
    title: "Create the LINSTOR storage pool on every node",
    scope: "first",
    waitsFor: "each node's storage pool without error: one that LINSTOR kept in error is deleted and created again",
  },
  {
    id: "resource-groups",
    title: "Resource groups, volume groups, DRBD options, controller database resource",
    scope: "first",
  },
  { id: "controller-disable", title: "Disable the linstor-controller unit (drbd-reactor starts it)", scope: "all" },
  {
    id: "controller-mount-unit",
    title: "Mount unit for /var/lib/linstor, the controller's restart drop-in",
    scope: "all",
  },
  {
    id: "controller-db-migrate",
    title: "Move the controller database onto DRBD (once)",
    scope: "first",
    waitsFor: "the database resource UpToDate on every replica, every peer connected (drbdadm status)",
  },
  {
    id: "controller-standby",
    title: "Protect the empty /var/lib/linstor mount point",
    scope: "others",
    waitsFor: "the database resource exists here (drbdadm status)",
  },
  {
    id: "drbd-reactor",
    title: "drbd-reactor promoter for the controller",
    scope: "all",
    waitsFor:
      "first: its promoter running the controller (port 3370), then it marks the controller HA; others: that mark (Aux/ClusterIsHA) and every LINSTOR node Online",
  },
  { id: "keepalived", title: "keepalived VIP that follows the controller", scope: "all", onlyWith: "keepalived" },
  {
    id: "pve-storage",
    title: "Proxmox storage entry for LINSTOR",
    scope: "all",
    waitsFor: "pmxcfs quorate (pvecm status); others: the drbd entry in /etc/pve/storage.cfg",
  },
  { id: "prometheus", title: "drbd-reactor Prometheus exporter", scope: "all", onlyWith: "prometheus" },
];

export interface PlannedStep {
  /** "01-ring-network" */
  id: string;
  title: string;
  scope: StepScope;
  waitsFor?: string;
}

/** Whether a step runs on the first node (isFirst) or on one of the others. */
export function stepAppliesTo(step: Pick<StepDefinition, "scope">, isFirst: boolean): boolean {
  return step.scope === "all" || (step.scope === "first") === isFirst;
}

/** The cluster-wide ordered steps, numbered; node bundles pick theirs by scope. */
export function planSteps(features: StepFeatures): PlannedStep[] {
  return STEP_DEFINITIONS.filter((s) => s.onlyWith === undefined || features[s.onlyWith]).map((s, i) => ({
    id: `${String(i + 1).padStart(2, "0")}-${s.id}`,
    title: s.title,
    scope: s.scope,
    ...(s.waitsFor ? { waitsFor: s.waitsFor } : {}),
  }));
}
