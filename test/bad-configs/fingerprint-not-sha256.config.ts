// Bad config: a certificate fingerprint that is SHA-1 length (20 bytes), not SHA-256.
// expect: HG119 error
import { defineCluster } from "homegarden";

export default defineCluster({
  name: "homegarden",
  proxmox: { release: 9, fingerprint: "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD" }, // <- HG119
  nodes: [
    {
      name: "pivoine",
      management: { iface: "vmbr1.3", address: "10.100.3.101/24" },
      storage: { iface: "enp1s0f1np1", address: "10.100.4.101/24" },
      zfs: { pool: "pool-nvme-01", mirror: ["/dev/nvme0n1", "/dev/nvme1n1"] },
    },
    {
      name: "petunia",
      management: { iface: "vmbr1.3", address: "10.100.3.102/24" },
      storage: { iface: "enp1s0f1np1", address: "10.100.4.102/24" },
      zfs: { pool: "pool-nvme-01", mirror: ["/dev/nvme0n1", "/dev/nvme1n1"] },
    },
    {
      name: "dahlia",
      management: { iface: "vmbr1.3", address: "10.100.3.103/24" },
      storage: { iface: "enp1s0f1np1", address: "10.100.4.103/24" },
      zfs: { pool: "pool-nvme-01", mirror: ["/dev/nvme0n1", "/dev/nvme1n1"] },
    },
  ],
  ring: {
    // One /29 per cable; the first end gets .1, the second .2.
    links: [
      { a: ["pivoine", "enp7s0"], b: ["petunia", "enp8s0"], subnet: "10.10.0.0/29" },
      { a: ["pivoine", "enp8s0"], b: ["dahlia", "enp8s0"], subnet: "10.10.3.0/29" },
      { a: ["petunia", "enp9s0"], b: ["dahlia", "enp9s0"], subnet: "10.10.2.0/29" },
    ],
    // The range that "just wouldn't work" in the seed: it overlaps something else on that network.
    avoid: ["10.10.1.0/29"],
    routing: "routed",
  },
  // corosync links: the default (link0 ring-a, link1 management).
  linstor: {
    storagePool: { name: "sto-pool_zfs-01", kind: "zfsthin" },
    resourceGroups: [{ name: "res-gr_pve", placeCount: 2, disklessOnRemaining: true }],
    ha: {
      resourceGroup: {
        name: "linstor-db-grp",
        placeCount: 3,
        disklessOnRemaining: true,
        drbdOptions: {
          "auto-promote": "no",
          quorum: "majority",
          "on-suspended-primary-outdated": "force-secondary",
          "on-no-quorum": "io-error",
          "on-no-data-accessible": "io-error",
        },
      },
      dbResource: "linstor_db",
      dbSize: "200M",
      vip: { storage: "10.100.4.100/24", management: "10.100.3.100/24" },
      vipManager: "keepalived",
    },
  },
  keepalived: {
    virtualRouterId: 51,
    // At most 8 characters: keepalived ignores the rest.
    password: { env: "HOMEGARDEN_VRRP_PASSWORD" },
  },
  pveStorage: { id: "linstor", content: ["images", "rootdir"], resourceGroup: "res-gr_pve" },
  monitoring: { prometheus: { listen: "0.0.0.0:9942", enums: true } },
  apt: { linbit: "https://packages.linbit.com/public" },
  bench: {
    fio: {
      filename: "/mnt/fio/testfile",
      size: "1G",
      runtimeSeconds: 60,
      jobs: [
        { name: "sync-write", rw: "write", bs: "4k", iodepth: 1, sync: true },
        { name: "async-write", rw: "write", bs: "4k", iodepth: 16, ioengine: "libaio" },
        { name: "rand-read", rw: "randread", bs: "4k", iodepth: 32, ioengine: "libaio" },
      ],
    },
    iperf3: { durationSeconds: 10, parallel: 1, port: 5201, lineRateGbps: { ring: 1, storage: 10 } },
  },
});
