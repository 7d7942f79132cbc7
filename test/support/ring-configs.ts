/**
 * Config modules for ring-network tests: N nodes, every address in 198.18.0.0/15 (RFC 2544
 * benchmarking space), ring links derived from the nodes' ringNics and allocated from a pool.
 */
import type { RingRouting, RingTopology } from "../../src/config/types.js";

export interface RingTestOptions {
  nodes: number;
  topology: RingTopology;
  routing: RingRouting;
  /** Default RING_POOL. */
  pool?: string;
  /** Source text of explicit `ring.links` (the nodes then get no ringNics). */
  links?: string;
  /** Extra top-level fields, e.g. `corosync: { links: ["ring-a", "management"] },`. */
  extra?: string;
  /** Extra text inside `ring: { ... }`, e.g. `avoid: ["198.18.0.8/29"],`. */
  ringExtra?: string;
}

export const RING_POOL = "198.18.0.0/20";

export function nodeName(i: number): string {
  return `n${String(i + 1).padStart(2, "0")}`;
}

/** The ring NICs of every node: enp7s0, enp8s0, ... (two for a ring, nodes-1 for a mesh). */
export function ringNicsFor(options: RingTestOptions): string[] {
  const count = options.topology === "mesh" ? options.nodes - 1 : 2;
  return Array.from({ length: count }, (_, k) => `enp${7 + k}s0`);
}

export function ringConfigSource(options: RingTestOptions): string {
  const nics = JSON.stringify(ringNicsFor(options));
  const nodes = Array.from(
    { length: options.nodes },
    (_, i) => `    {
      name: "${nodeName(i)}",
      management: { iface: "vmbr0", address: "198.18.100.${11 + i}/24" },
      storage: { iface: "ens19", address: "198.18.101.${11 + i}/24" },
      zfs: { pool: "tank", mirror: ["/dev/vda", "/dev/vdb"] },
${options.links ? "" : `      ringNics: ${nics},\n`}    },`,
  ).join("\n");
  return `import { defineCluster } from "homegarden";

export default defineCluster({
  name: "ringtest",
  nodes: [
${nodes}
  ],
  ring: {
    topology: "${options.topology}",
    pool: "${options.pool ?? RING_POOL}",${options.links ? `\n    links: ${options.links},` : ""}
    routing: "${options.routing}",
    ${options.ringExtra ?? ""}
  },
  ${options.extra ?? ""}
  linstor: {
    storagePool: { name: "sto-pool", kind: "zfsthin" },
    resourceGroups: [{ name: "res-gr", placeCount: 2 }],
    ha: {
      resourceGroup: { name: "db-grp", placeCount: 3 },
      dbResource: "linstor_db",
      dbSize: "200M",
      vip: { storage: "198.18.101.10/24" },
    },
  },
  keepalived: { virtualRouterId: 51, password: { env: "HOMEGARDEN_VRRP_PASSWORD" } },
  pveStorage: { id: "linstor", content: ["images"], resourceGroup: "res-gr" },
  apt: { linbit: "https://packages.linbit.com/public" },
});
`;
}
