/**
 * The golden scenarios: the example, and configs that take the branches the example does not.
 * golden.test.ts keeps each render in golden/<name>/; scenario-validators.test.ts runs the real
 * validators over the others.
 */
import { cpSync } from "node:fs";
import { resolve } from "node:path";
import { exampleWith, writeConfig } from "./configs.js";
import { ringConfigSource } from "./ring-configs.js";

/** A binary LINBIT-style keyring (a throwaway test key) and ten tiny real .debs named like the packages run.sh installs. */
export const AIRGAP_FIXTURE = resolve(import.meta.dirname, "..", "fixtures", "airgap");

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
  {
    // Air-gapped: no repository at all. The LINBIT keyring and the packages ride in every bundle
    // (debs/), and run.sh installs them with apt-get --no-download.
    name: "air-gapped",
    config: () => {
      const { dir, file } = writeConfig(
        exampleWith(
          'apt: { linbit: "https://packages.linbit.com/public" },',
          'apt: { keyring: "./linbit-keyring.gpg", debs: "./debs" },',
        ),
      );
      cpSync(AIRGAP_FIXTURE, dir, { recursive: true });
      return file;
    },
  },
];
