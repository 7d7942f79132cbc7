/**
 * The golden scenarios: the example, and configs that take the branches the example does not.
 * golden.test.ts keeps each render in golden/<name>/; scenario-validators.test.ts runs the real
 * validators over the others.
 */
import { exampleWith, writeConfig } from "./configs.js";
import { ringConfigSource } from "./ring-configs.js";

const EXAMPLE_VERSIONS = 'versions: { linstor: "1.31", drbd: "9.2", drbdReactor: "1.9", keepalived: "2.3" },';
/** keepalived: false when the VIP is not keepalived's (no VRRP password in that render). */
export const SCENARIOS: { name: string; config?: () => string; keepalived?: false }[] = [
  { name: "homegarden" },
  {
    // The branches the example does not take: a 5-node ring with routed-fallback (fallback routes,
    // U-turn rules), the VIP run by drbd-reactor through OCF IPaddr2 agents, keepalived unicast.
    name: "ring5-fallback-ocf",
    keepalived: false,
    config: () =>
      writeConfig(
        ringConfigSource({ nodes: 5, topology: "ring", routing: "routed-fallback" })
          .replace(
            'vip: { storage: "198.18.101.10/24" },',
            'vip: { storage: "198.18.101.10/24" },\n      vipManager: "ocf",',
          )
          .replace("keepalived: { virtualRouterId: 51,", "keepalived: { virtualRouterId: 51, unicast: true,"),
      ).file,
  },
  {
    // No LS_KEEP_RES (1.33+), the 1.33 DRBD option table, and res-gr_pve without
    // --diskless-on-remaining (1.34 makes those diskless peers non-voting clients).
    name: "linstor-1.34",
    config: () =>
      writeConfig(
        exampleWith(
          EXAMPLE_VERSIONS,
          'versions: { linstor: "1.34", drbd: "9.3", drbdReactor: "1.11", keepalived: "2.3" },',
        ),
      ).file,
  },
];
