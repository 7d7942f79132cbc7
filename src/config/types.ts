/**
 * The public shape of a homegarden cluster description.
 *
 * A config module does `export default defineCluster({ ... })`; the loader type-checks it against
 * these types, evaluates it, and the validator checks what types cannot express (address math,
 * name rules, cross references).
 */

/** An IPv4 address with its prefix length, e.g. "10.100.4.101/24". */
export type CidrAddress = string;
/** An IPv4 network, e.g. "10.10.0.0/29". */
export type Cidr = string;

/** Where a secret comes from at render time. Secrets never sit in the config module in clear. */
export type SecretSource = { env: string } | { file: string };

export interface InterfaceAddress {
  /** Linux interface name on this node (at most 15 characters), e.g. "vmbr1.3". */
  iface: string;
  /** This node's address on that interface, with prefix length. */
  address: CidrAddress;
  /**
   * The interface's MAC address ("aa:bb:cc:dd:ee:ff"), when you want `run.sh preflight` to check
   * that the name still belongs to that card (names can move after a hardware change).
   */
  mac?: string;
}

export interface ZfsPoolConfig {
  /** zpool name, e.g. "pool-nvme-01". */
  pool: string;
  /** Two or more block devices mirrored into the pool. */
  mirror: string[];
}

export interface NodeConfig {
  /** Hostname of the node (`uname -n`); also its LINSTOR node name. */
  name: string;
  /** Proxmox management network (cluster API, GUI). */
  management: InterfaceAddress;
  /** Storage network (DRBD replication, LINSTOR satellite traffic). */
  storage: InterfaceAddress;
  /** Local ZFS pool that backs the LINSTOR storage pool. */
  zfs: ZfsPoolConfig;
  /** VRRP priority of this node for the controller VIP (1-254). Default: 150 minus 10 per node index. */
  vrrpPriority?: number;
  /**
   * The node's ring NICs, read only when `ring.links` is left out (the links are then derived).
   * - topology "ring": exactly two, `[toNext, toPrevious]`: node i's first NIC is cabled to node i+1's
   *   second NIC, and the last node's first NIC to the first node's second NIC.
   * - topology "mesh": one per other node, in node order: node i's NIC toward node j is
   *   `ringNics[j < i ? j : j - 1]`.
   */
  ringNics?: string[];
  /**
   * MAC addresses of this node's ring NICs, by NIC name (`{ enp7s0: "aa:bb:cc:dd:ee:ff" }`), checked
   * by `run.sh preflight`. Works with explicit `ring.links` and with `ringNics`.
   */
  ringMacs?: Record<string, string>;
}

/** One end of a point-to-point ring link: [node name, NIC name]. */
export type LinkEnd = [node: string, nic: string];

export interface RingLink {
  a: LinkEnd;
  b: LinkEnd;
  /** The link's subnet; `a` gets the first host address, `b` the second. Allocated from `pool` when left out. */
  subnet?: Cidr;
  /**
   * The two ends' addresses (plain IPv4, inside `subnet`, which is then required), when the first
   * and second host address will not do.
   */
  addresses?: [a: string, b: string];
  /** Interface MTU on both ends. */
  mtu?: number;
}

/**
 * How the nodes are cabled:
 * - "ring": a cycle in node order; every node has exactly two ring links.
 * - "mesh": every node is cabled to every other node.
 * - "graph": any connected set of point-to-point links; every node has at least two.
 */
export type RingTopology = "ring" | "mesh" | "graph";

/**
 * - "routed": static routes to every remote link subnet via the neighbour on a shortest path (the seed's way).
 * - "routed-fallback": host routes (/32) to every remote ring address: a primary via a shortest path
 *   and a higher-metric fallback via another neighbour, `ignore_routes_with_linkdown`, and per-NIC
 *   "U-turn" rules, so that when any one link loses carrier every address not on it stays reachable.
 */
export type RingRouting = "routed" | "routed-fallback";

export interface RingConfig {
  /**
   * Default: "graph" when `links` is given, else "ring". With `links` left out, the links are derived
   * from every node's `ringNics` ("ring" or "mesh" only), in an order that appending a node never
   * reorders: ring links node 0->1, 1->2, ..., last->0; mesh links (0,1), (0,2), (1,2), (0,3), ...
   */
  topology?: RingTopology;
  /** The point-to-point links between nodes (cables without a switch). Leave out to derive them from `ringNics`. */
  links?: RingLink[];
  /** MTU of derived links (explicit links have their own `mtu`). */
  mtu?: number;
  /** Where subnets for links without `subnet` come from. */
  pool?: Cidr;
  /** Prefix length of allocated link subnets. Default 29. */
  prefix?: number;
  /** Ranges never to allocate or use (for example a network that "just wouldn't work"). */
  avoid?: Cidr[];
  /** Default "routed". */
  routing?: RingRouting;
}

/** Which of a node's networks carries a corosync (knet) link. */
export type CorosyncLinkSource = "ring-a" | "ring-b" | "management" | "storage";

export interface CorosyncConfig {
  /**
   * knet link0, link1, ... in order. Default: ["ring-a", "management"]: the node's first ring link and
   * its management address, so that no single cable carries both.
   */
  links?: CorosyncLinkSource[];
}

export interface StoragePoolConfig {
  /** LINSTOR storage pool name, e.g. "sto-pool_zfs-01". */
  name: string;
  /** LINSTOR provider kind. */
  kind: "zfsthin" | "zfs";
}

export interface ResourceGroupConfig {
  name: string;
  placeCount: number;
  disklessOnRemaining?: boolean;
  /** DRBD options set with `linstor resource-group drbd-options --KEY=VALUE`. */
  drbdOptions?: Record<string, string>;
}

export interface ControllerHaConfig {
  /** Resource group for the controller database; place-count must be at least 3. */
  resourceGroup: ResourceGroupConfig;
  /** DRBD resource holding /var/lib/linstor, e.g. "linstor_db". */
  dbResource: string;
  /** Size of that resource, e.g. "200M". */
  dbSize: string;
  /** Virtual addresses that follow the active controller. */
  vip: { storage: CidrAddress; management?: CidrAddress };
  /**
   * How the VIP follows the controller: "keepalived" (the seed's way, default) or "ocf" (an
   * `ocf:heartbeat:IPaddr2` entry in the drbd-reactor promoter's start list, LINBIT's suggestion).
   */
  vipManager?: "keepalived" | "ocf";
  /** Action when DRBD demotion fails. Default "reboot". */
  onDemoteFailure?:
    | "none"
    | "reboot"
    | "reboot-force"
    | "reboot-immediate"
    | "poweroff"
    | "poweroff-force"
    | "poweroff-immediate"
    | "exit"
    | "exit-force";
}

export interface SatelliteConfig {
  /**
   * Add `Type=notify` and `TimeoutStartSec=infinity` to the satellite unit (the seed did; LINBIT
   * dropped that advice in 2026). Default false.
   */
  notifyStartup?: boolean;
}

export interface LinstorConfig {
  storagePool: StoragePoolConfig;
  resourceGroups: ResourceGroupConfig[];
  ha: ControllerHaConfig;
  satellite?: SatelliteConfig;
  /** Node properties set on every LINSTOR node. Default: { "DrbdOptions/AutoEvictAllowEviction": "false" }. */
  nodeProperties?: Record<string, string>;
}

export interface KeepalivedConfig {
  /** VRRP virtual_router_id, 1-255, unique on the storage segment. */
  virtualRouterId: number;
  /** VRRP PASS authentication: 1 to 8 printable characters (keepalived uses only 8). */
  password: SecretSource;
  /** Advertisement interval in seconds. Default 1. */
  advertInterval?: number;
  /** Send VRRP adverts unicast to the other nodes' storage addresses instead of multicast. Default false. */
  unicast?: boolean;
}

export interface PveStorageConfig {
  /** Proxmox storage id, e.g. "linstor". */
  id: string;
  content: ("images" | "rootdir")[];
  /** The LINSTOR resource group that new disks are spawned from. */
  resourceGroup: string;
}

export interface MonitoringConfig {
  /** drbd-reactor Prometheus exporter. */
  prometheus?: { listen: string; enums?: boolean };
}

/**
 * Where the nodes get LINBIT's packages. Nodes are air-gapped: point `linbit` at a local mirror,
 * or vendor the packages themselves with `debs`; with `debs` and no `linbit`, run.sh installs from
 * the bundle alone (`apt-get --no-download`) and never needs a network.
 */
export interface AptConfig {
  /** LINBIT repository or a local mirror of it, e.g. "https://packages.linbit.com/public" or "http://mirror.lan/linbit". */
  linbit?: string;
  /**
   * Path (relative to the config module) of the binary `linbit-keyring.gpg` to vendor into the
   * bundle (installed as /etc/apt/keyrings/linbit-keyring.gpg, trusted only for the LINBIT source
   * through its Signed-By). Without it, run.sh expects the keyring installed already
   * (`dpkg -i linbit-keyring.deb`, which puts it in /etc/apt/trusted.gpg.d/).
   */
  keyring?: string;
  /**
   * Folder (relative to the config module) of .deb files copied into every bundle's `debs/` and
   * installed from there: the DRBD/LINSTOR packages, keepalived and whatever they need that the
   * node lacks.
   */
  debs?: string;
}

export interface FioJobConfig {
  name: string;
  rw: "write" | "read" | "randwrite" | "randread" | "randrw";
  bs: string;
  iodepth: number;
  ioengine?: "psync" | "libaio" | "io_uring" | "sync";
  /** O_SYNC writes, as the seed's sync-write test. */
  sync?: boolean;
}

/** A network iperf3 measures: each ring link between its two ends, or a node network between every pair. */
export type BenchNetwork = "ring" | "storage" | "management";

export interface BenchConfig {
  fio?: {
    /** Test file inside the VM (or on the node) on LINSTOR-backed storage. */
    filename: string;
    size: string;
    runtimeSeconds: number;
    jobs: FioJobConfig[];
  };
  iperf3?: {
    durationSeconds: number;
    parallel?: number;
    port?: number;
    /**
     * Networks measured in both directions: "ring" over each ring link between its two ends, "storage" and
     * "management" between every ordered pair of nodes. Default ["ring", "storage"].
     */
    networks?: BenchNetwork[];
    /** Physical link speed per network in Gbit/s (e.g. 10 for 10GbE): the 100% mark of `bench report`. */
    lineRateGbps?: Partial<Record<BenchNetwork, number>>;
  };
  /** What `homegarden bench report` flags. */
  report?: {
    /** Flag a pair whose throughput is below this share of the line rate (0-1). Default 0.9. */
    minShareOfLineRate?: number;
    /** Flag a sync-write job (sync=1) whose 99th percentile latency is above this many milliseconds. Default 5. */
    syncWriteP99Ms?: number;
  };
}

/**
 * Versions of the software on the nodes that the generated files target (the version contract).
 * Templates branch on them where upstream behaviour differs; every bundle's MANIFEST.json records
 * them. Read yours with `linstor --version`, `cat /proc/drbd`, `drbd-reactor --version`,
 * `keepalived --version`.
 */
export interface TargetVersions {
  /** LINSTOR, e.g. "1.31.0". Before 1.33 the satellite needs LS_KEEP_RES (kept when unknown). */
  linstor?: string;
  /** DRBD kernel module, e.g. "9.2.15". */
  drbd?: string;
  /** drbd-reactor, e.g. "1.11.0"; 0.5 or later (its promoter's `on-drbd-demote-failure`). */
  drbdReactor?: string;
  /** keepalived, e.g. "2.2.7". */
  keepalived?: string;
}

export interface ClusterConfig {
  /** Proxmox cluster name (`pvecm create NAME`). */
  name: string;
  proxmox?: {
    release?: 8 | 9;
    /**
     * SHA-256 fingerprint of the first node's API certificate ("AA:BB:...", 32 bytes), as
     * `pvenode cert info` shows it for pve-ssl.pem: `pvecm add --fingerprint`, so that joining asks
     * only for the root password. Without it, pvecm asks to confirm the fingerprint too.
     */
    fingerprint?: string;
  };
  versions?: TargetVersions;
  nodes: NodeConfig[];
  ring: RingConfig;
  corosync?: CorosyncConfig;
  linstor: LinstorConfig;
  keepalived: KeepalivedConfig;
  pveStorage: PveStorageConfig;
  monitoring?: MonitoringConfig;
  apt: AptConfig;
  bench?: BenchConfig;
}
