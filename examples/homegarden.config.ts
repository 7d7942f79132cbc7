// The seed cluster "homegarden": three Proxmox VE 9 nodes (pivoine, petunia, dahlia) on a routed
// 1G ring for corosync, a 10G storage network for DRBD, LINSTOR on mirrored NVMe ZFS pools and a
// highly available LINSTOR controller (drbd-reactor + keepalived VIP).
import { defineCluster } from "homegarden";

export default defineCluster({
  name: "homegarden",
  proxmox: { release: 9 },
  // The versions the generated files target. LINSTOR before 1.33 gets the satellite's LS_KEEP_RES,
  // as the seed set it.
  versions: { linstor: "1.31", drbd: "9.2", drbdReactor: "1.9", keepalived: "2.3" },
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
    // Three nodes, each cabled to the other two: a ring of three.
    topology: "ring",
    routing: "routed",
  },
  // corosync: knet link0 on the ring, link1 on the management network (the default): no one cable
  // carries both, so every pair of nodes keeps a link whatever cable fails.
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
    // Run inside a test VM whose disk lives on the LINSTOR storage (the seed's guinea-pig VM).
    fio: {
      filename: "/mnt/fio/testfile",
      size: "1G",
      runtimeSeconds: 60,
      jobs: [
        // The seed's 4k sequential O_SYNC write at queue depth 1.
        { name: "sync-write", rw: "write", bs: "4k", iodepth: 1, sync: true },
        // The seed's "async" test, with an engine that really keeps 16 writes in flight (psync capped it at 1).
        { name: "async-write", rw: "write", bs: "4k", iodepth: 16, ioengine: "libaio" },
        { name: "rand-read", rw: "randread", bs: "4k", iodepth: 32, ioengine: "libaio" },
        { name: "rand-write", rw: "randwrite", bs: "4k", iodepth: 32, ioengine: "libaio" },
        { name: "seq-read", rw: "read", bs: "1M", iodepth: 16, ioengine: "libaio" },
        { name: "seq-write", rw: "write", bs: "1M", iodepth: 16, ioengine: "libaio" },
      ],
    },
    // The seed measured 9.37 Gbit/s between nodes on the 10G management network; the ring is 1G.
    iperf3: {
      durationSeconds: 10,
      parallel: 1,
      port: 5201,
      networks: ["ring", "storage", "management"],
      lineRateGbps: { ring: 1, storage: 10, management: 10 },
    },
    report: { minShareOfLineRate: 0.9, syncWriteP99Ms: 5 },
  },
});
