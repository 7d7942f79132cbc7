/**
 * The config's runtime schema (valibot): the kind of every field, every constant default, and the
 * field paths of shape findings all come from here. `types.ts` stays the public, documented face of
 * the same shape (a config module is type-checked against it); `SchemaMatchesTypes` below makes the
 * build fail when the two differ, so adding a field is one edit in each plus its rule.
 *
 * Defaults whose value depends on other fields (a node's VRRP priority, the ring topology) are
 * functions in defaults.ts and ring-links.ts.
 */
import * as v from "valibot";
import type { BenchNetwork, ClusterConfig, CorosyncLinkSource } from "./types.js";

export const DEFAULT_RING_PREFIX = 29;
/**
 * knet link0 on the ring (its own cables, low latency), link1 on the management network: no single
 * cable carries both, so every pair of nodes keeps a working link whatever one cable fails. Both on
 * the ring shared a cable between adjacent nodes (plan/corosync.ts finds which pairs a cut isolates).
 */
export const DEFAULT_COROSYNC_LINKS: readonly CorosyncLinkSource[] = ["ring-a", "management"];
export const DEFAULT_NODE_PROPERTIES: Readonly<Record<string, string>> = {
  "DrbdOptions/AutoEvictAllowEviction": "false",
};
export const DEFAULT_BENCH_NETWORKS: readonly BenchNetwork[] = ["ring", "storage"];

const str = v.string();
/** NaN and Infinity are numbers to JavaScript, but no config value can use them. */
const num = v.pipe(v.number(), v.finite());
const bool = v.boolean();
const described = <S extends v.GenericSchema>(schema: S, description: string) =>
  v.pipe(schema, v.description(description));

const interfaceAddress = described(
  v.strictObject({ iface: str, address: str, mac: v.optional(str) }),
  "{ iface: string, address: string, mac?: string }",
);
const linkEnd = described(v.strictTuple([str, str]), '["node", "nic"]');
const resourceGroup = described(
  v.strictObject({
    name: str,
    placeCount: num,
    disklessOnRemaining: v.optional(bool, false),
    drbdOptions: v.optional(v.record(str, str)),
  }),
  "a resource group { name, placeCount, disklessOnRemaining?, drbdOptions? }",
);
/** Exactly one of the two: `{ env, file }` together fits neither strict object and is refused. */
const secretSource = described(
  v.union([v.strictObject({ env: str }), v.strictObject({ file: str })]),
  '{ env: "NAME" } or { file: "path" }',
);

const node = described(
  v.strictObject({
    name: str,
    management: interfaceAddress,
    storage: interfaceAddress,
    zfs: described(v.strictObject({ pool: str, mirror: v.array(str) }), "{ pool: string, mirror: string[] }"),
    vrrpPriority: v.optional(num),
    ringNics: v.optional(v.array(str)),
    ringMacs: v.optional(v.record(str, str)),
  }),
  "a node { name, management, storage, zfs, vrrpPriority?, ringNics?, ringMacs? }",
);

const ringLink = described(
  v.strictObject({
    a: linkEnd,
    b: linkEnd,
    subnet: v.optional(str),
    addresses: v.optional(described(v.strictTuple([str, str]), '["a address", "b address"]')),
    mtu: v.optional(num),
  }),
  'a ring link { a: ["node", "nic"], b: ["node", "nic"], subnet?, addresses?, mtu? }',
);

const ring = described(
  v.strictObject({
    topology: v.optional(v.picklist(["ring", "mesh", "graph"])),
    links: v.optional(v.array(ringLink)),
    mtu: v.optional(num),
    pool: v.optional(str),
    prefix: v.optional(num, DEFAULT_RING_PREFIX),
    avoid: v.optional(v.array(str)),
    routing: v.optional(v.picklist(["routed", "routed-fallback"]), "routed"),
  }),
  "ring { topology?, links?, mtu?, pool?, prefix?, avoid?, routing? }",
);

const linstor = described(
  v.strictObject({
    storagePool: described(v.strictObject({ name: str, kind: v.picklist(["zfsthin", "zfs"]) }), "{ name, kind }"),
    resourceGroups: v.array(resourceGroup),
    ha: described(
      v.strictObject({
        resourceGroup,
        dbResource: str,
        dbSize: str,
        vip: described(
          v.strictObject({ storage: str, management: v.optional(str) }),
          "{ storage: string, management?: string }",
        ),
        vipManager: v.optional(v.picklist(["keepalived", "ocf"]), "keepalived"),
        onDemoteFailure: v.optional(
          v.picklist([
            "none",
            "reboot",
            "reboot-force",
            "reboot-immediate",
            "poweroff",
            "poweroff-force",
            "poweroff-immediate",
            "exit",
            "exit-force",
          ]),
          "reboot",
        ),
      }),
      "ha { resourceGroup, dbResource, dbSize, vip, vipManager?, onDemoteFailure? }",
    ),
    satellite: v.optional(
      described(v.strictObject({ notifyStartup: v.optional(bool, false) }), "{ notifyStartup?: boolean }"),
      {},
    ),
    nodeProperties: v.optional(v.record(str, str), () => ({ ...DEFAULT_NODE_PROPERTIES })),
  }),
  "linstor { storagePool, resourceGroups, ha, satellite?, nodeProperties? }",
);

const iperf3 = described(
  v.strictObject({
    durationSeconds: num,
    parallel: v.optional(num, 1),
    port: v.optional(num, 5201),
    networks: v.optional(v.array(v.picklist(["ring", "storage", "management"])), () => [...DEFAULT_BENCH_NETWORKS]),
    lineRateGbps: v.optional(
      described(
        v.strictObject({ ring: v.optional(num), storage: v.optional(num), management: v.optional(num) }),
        "lineRateGbps { ring?, storage?, management? }",
      ),
    ),
  }),
  "iperf3 { durationSeconds, parallel?, port?, networks?, lineRateGbps? }",
);

const benchReport = described(
  v.strictObject({ minShareOfLineRate: v.optional(num, 0.9), syncWriteP99Ms: v.optional(num, 5) }),
  "report { minShareOfLineRate?, syncWriteP99Ms? }",
);
/** The report's thresholds when the config has no bench section at all. */
export const DEFAULT_REPORT = v.parse(benchReport, {});

const bench = described(
  v.strictObject({
    fio: v.optional(
      described(
        v.strictObject({
          filename: str,
          size: str,
          runtimeSeconds: num,
          jobs: v.array(
            described(
              v.strictObject({
                name: str,
                rw: v.picklist(["write", "read", "randwrite", "randread", "randrw"]),
                bs: str,
                iodepth: num,
                ioengine: v.optional(v.picklist(["psync", "libaio", "io_uring", "sync"])),
                sync: v.optional(bool),
              }),
              "a fio job { name, rw, bs, iodepth, ioengine?, sync? }",
            ),
          ),
        }),
        "fio { filename, size, runtimeSeconds, jobs }",
      ),
    ),
    iperf3: v.optional(iperf3),
    report: v.optional(benchReport, {}),
  }),
  "bench { fio?, iperf3?, report? }",
);

export const clusterSchema = described(
  v.strictObject({
    name: str,
    proxmox: v.optional(
      described(
        v.strictObject({ release: v.optional(v.picklist([8, 9]), 9), fingerprint: v.optional(str) }),
        "{ release?: 8 | 9, fingerprint?: string }",
      ),
      {},
    ),
    versions: v.optional(
      described(
        v.strictObject({
          linstor: v.optional(str),
          drbd: v.optional(str),
          drbdReactor: v.optional(str),
          keepalived: v.optional(str),
        }),
        "versions { linstor?, drbd?, drbdReactor?, keepalived? }",
      ),
      {},
    ),
    nodes: v.array(node),
    ring,
    corosync: v.optional(
      described(
        v.strictObject({
          links: v.optional(v.array(v.picklist(["ring-a", "ring-b", "management", "storage"])), () => [
            ...DEFAULT_COROSYNC_LINKS,
          ]),
        }),
        "corosync { links? }",
      ),
      {},
    ),
    linstor,
    keepalived: described(
      v.strictObject({
        virtualRouterId: num,
        password: secretSource,
        advertInterval: v.optional(num, 1),
        unicast: v.optional(bool, false),
      }),
      "keepalived { virtualRouterId, password, advertInterval?, unicast? }",
    ),
    pveStorage: described(
      v.strictObject({
        id: str,
        content: v.pipe(v.array(v.picklist(["images", "rootdir"])), v.minLength(1)),
        resourceGroup: str,
      }),
      "pveStorage { id, content, resourceGroup }",
    ),
    monitoring: v.optional(
      described(
        v.strictObject({
          prometheus: v.optional(
            described(
              v.strictObject({ listen: str, enums: v.optional(bool, false) }),
              "{ listen: string, enums?: boolean }",
            ),
          ),
        }),
        "monitoring { prometheus? }",
      ),
    ),
    apt: described(
      v.strictObject({ linbit: v.optional(str), keyring: v.optional(str), debs: v.optional(str) }),
      "apt { linbit?: URL, keyring?: path, debs?: folder }",
    ),
    bench: v.optional(bench),
  }),
  "a cluster object: `export default defineCluster({ ... })`",
);

/** A config as validated and planned: the user's values, every constant default filled in. */
export type ResolvedConfig = v.InferOutput<typeof clusterSchema>;

// The schema's input is exactly types.ts's ClusterConfig: the same values fit both, and the same
// field paths exist in both (mutual assignability alone would not see an optional field one lacks).
export type FieldPaths<T> = T extends readonly (infer Item)[]
  ? FieldPaths<Item>
  : T extends object
    ? { [K in keyof T & string]-?: K | `${K}.${FieldPaths<NonNullable<T[K]>>}` }[keyof T & string]
    : never;
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type SchemaMatchesTypes = [
  Same<v.InferInput<typeof clusterSchema>, ClusterConfig>,
  Same<FieldPaths<v.InferInput<typeof clusterSchema>>, FieldPaths<ClusterConfig>>,
];
export const schemaMatchesTypes: SchemaMatchesTypes = [true, true];
