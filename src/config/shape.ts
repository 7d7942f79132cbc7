/**
 * The runtime shape of a ClusterConfig: the same information as types.ts, checkable at run time.
 *
 * The type checker already enforces this for a config written as a literal, but a cast (`as any`,
 * `as never`) or a computed value can slip anything past it. Every value that later reaches a file
 * (an enum that lands in a TOML string, a boolean printed into a unit file) must therefore have the
 * declared kind before the semantic rules run. A field added to types.ts needs its entry here.
 */
import leven from "leven";
import type { ConfigPath } from "../diagnostics/diagnostic.js";

export type Shape =
  | { kind: "string" }
  | { kind: "number" }
  | { kind: "boolean" }
  | { kind: "enum"; values: readonly (string | number)[] }
  | { kind: "array"; of: Shape; minLength?: number }
  | { kind: "tuple"; of: Shape[]; describe: string }
  | { kind: "object"; fields: Record<string, Field>; describe: string }
  | { kind: "record"; of: Shape }
  | { kind: "oneOf"; options: Shape[]; describe: string };

export interface Field {
  shape: Shape;
  optional?: boolean;
}

const str: Shape = { kind: "string" };
const num: Shape = { kind: "number" };
const bool: Shape = { kind: "boolean" };
const oneOf = (...values: (string | number)[]): Shape => ({ kind: "enum", values });
const arrayOf = (of: Shape, minLength?: number): Shape => ({ kind: "array", of, ...(minLength ? { minLength } : {}) });
const req = (shape: Shape): Field => ({ shape });
const opt = (shape: Shape): Field => ({ shape, optional: true });
const object = (describe: string, fields: Record<string, Field>): Shape => ({ kind: "object", fields, describe });

const interfaceAddress = object("{ iface: string, address: string, mac?: string }", {
  iface: req(str),
  address: req(str),
  mac: opt(str),
});
const linkEnd: Shape = { kind: "tuple", of: [str, str], describe: '["node", "nic"]' };
const resourceGroup = object("a resource group { name, placeCount, disklessOnRemaining?, drbdOptions? }", {
  name: req(str),
  placeCount: req(num),
  disklessOnRemaining: opt(bool),
  drbdOptions: opt({ kind: "record", of: str }),
});
const secretSource: Shape = {
  kind: "oneOf",
  describe: '{ env: "NAME" } or { file: "path" }',
  options: [object("{ env: string }", { env: req(str) }), object("{ file: string }", { file: req(str) })],
};

export const CLUSTER_SHAPE: Shape = object("a cluster object: `export default defineCluster({ ... })`", {
  name: req(str),
  proxmox: opt(
    object("{ release?: 8 | 9, fingerprint?: string }", { release: opt(oneOf(8, 9)), fingerprint: opt(str) }),
  ),
  versions: opt(
    object("versions { linstor?, drbd?, drbdReactor?, keepalived? }", {
      linstor: opt(str),
      drbd: opt(str),
      drbdReactor: opt(str),
      keepalived: opt(str),
    }),
  ),
  nodes: req(
    arrayOf(
      object("a node { name, management, storage, zfs, vrrpPriority?, ringNics?, ringMacs? }", {
        name: req(str),
        management: req(interfaceAddress),
        storage: req(interfaceAddress),
        zfs: req(object("{ pool: string, mirror: string[] }", { pool: req(str), mirror: req(arrayOf(str)) })),
        vrrpPriority: opt(num),
        ringNics: opt(arrayOf(str)),
        ringMacs: opt({ kind: "record", of: str }),
      }),
    ),
  ),
  ring: req(
    object("ring { topology?, links?, mtu?, pool?, prefix?, avoid?, routing? }", {
      topology: opt(oneOf("ring", "mesh", "graph")),
      links: opt(
        arrayOf(
          object('a ring link { a: ["node", "nic"], b: ["node", "nic"], subnet?, addresses?, mtu? }', {
            a: req(linkEnd),
            b: req(linkEnd),
            subnet: opt(str),
            addresses: opt({ kind: "tuple", of: [str, str], describe: '["a address", "b address"]' }),
            mtu: opt(num),
          }),
        ),
      ),
      mtu: opt(num),
      pool: opt(str),
      prefix: opt(num),
      avoid: opt(arrayOf(str)),
      routing: opt(oneOf("routed", "routed-fallback")),
    }),
  ),
  corosync: opt(
    object("corosync { links? }", { links: opt(arrayOf(oneOf("ring-a", "ring-b", "management", "storage"))) }),
  ),
  linstor: req(
    object("linstor { storagePool, resourceGroups, ha, satellite?, nodeProperties? }", {
      storagePool: req(object("{ name, kind }", { name: req(str), kind: req(oneOf("zfsthin", "zfs")) })),
      resourceGroups: req(arrayOf(resourceGroup)),
      ha: req(
        object("ha { resourceGroup, dbResource, dbSize, vip, vipManager?, onDemoteFailure? }", {
          resourceGroup: req(resourceGroup),
          dbResource: req(str),
          dbSize: req(str),
          vip: req(object("{ storage: string, management?: string }", { storage: req(str), management: opt(str) })),
          vipManager: opt(oneOf("keepalived", "ocf")),
          onDemoteFailure: opt(
            oneOf(
              "none",
              "reboot",
              "reboot-force",
              "reboot-immediate",
              "poweroff",
              "poweroff-force",
              "poweroff-immediate",
              "exit",
              "exit-force",
            ),
          ),
        }),
      ),
      satellite: opt(object("{ notifyStartup?: boolean }", { notifyStartup: opt(bool) })),
      nodeProperties: opt({ kind: "record", of: str }),
    }),
  ),
  keepalived: req(
    object("keepalived { virtualRouterId, password, advertInterval?, unicast? }", {
      virtualRouterId: req(num),
      password: req(secretSource),
      advertInterval: opt(num),
      unicast: opt(bool),
    }),
  ),
  pveStorage: req(
    object("pveStorage { id, content, resourceGroup }", {
      id: req(str),
      content: req(arrayOf(oneOf("images", "rootdir"), 1)),
      resourceGroup: req(str),
    }),
  ),
  monitoring: opt(
    object("monitoring { prometheus? }", {
      prometheus: opt(object("{ listen: string, enums?: boolean }", { listen: req(str), enums: opt(bool) })),
    }),
  ),
  apt: req(
    object("apt { linbit?: URL, keyring?: path, debs?: folder }", {
      linbit: opt(str),
      keyring: opt(str),
      debs: opt(str),
    }),
  ),
  bench: opt(
    object("bench { fio?, iperf3?, report? }", {
      fio: opt(
        object("fio { filename, size, runtimeSeconds, jobs }", {
          filename: req(str),
          size: req(str),
          runtimeSeconds: req(num),
          jobs: req(
            arrayOf(
              object("a fio job { name, rw, bs, iodepth, ioengine?, sync? }", {
                name: req(str),
                rw: req(oneOf("write", "read", "randwrite", "randread", "randrw")),
                bs: req(str),
                iodepth: req(num),
                ioengine: opt(oneOf("psync", "libaio", "io_uring", "sync")),
                sync: opt(bool),
              }),
            ),
          ),
        }),
      ),
      iperf3: opt(
        object("iperf3 { durationSeconds, parallel?, port?, networks?, lineRateGbps? }", {
          durationSeconds: req(num),
          parallel: opt(num),
          port: opt(num),
          networks: opt(arrayOf(oneOf("ring", "storage", "management"))),
          lineRateGbps: opt(
            object("lineRateGbps { ring?, storage?, management? }", {
              ring: opt(num),
              storage: opt(num),
              management: opt(num),
            }),
          ),
        }),
      ),
      report: opt(
        object("report { minShareOfLineRate?, syncWriteP99Ms? }", {
          minShareOfLineRate: opt(num),
          syncWriteP99Ms: opt(num),
        }),
      ),
    }),
  ),
});

export type ShapeProblem =
  | { path: ConfigPath; expected: string }
  /** A key the object's shape does not have, with the nearest known one when it is close. */
  | { path: ConfigPath; unknownKey: string; suggestion?: string; known: string[] };

/** The known key nearest to `key`, when it is near enough to be a typo (at most a third of it differs). */
export function nearestKey(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = leven(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function describeShape(shape: Shape): string {
  switch (shape.kind) {
    case "string":
    case "number":
    case "boolean":
      return `a ${shape.kind}`;
    case "enum":
      return `one of ${shape.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "array":
      return shape.minLength ? `a list of at least ${shape.minLength}` : "a list";
    case "tuple":
    case "object":
    case "oneOf":
      return shape.describe;
    case "record":
      return `an object of ${describeShape(shape.of)} values`;
  }
}

/** Every place where `value` differs from `shape`; a mismatch stops the descent into that value. */
export function shapeProblems(value: unknown, shape: Shape, path: ConfigPath = []): ShapeProblem[] {
  const here = (): ShapeProblem[] => [{ path, expected: describeShape(shape) }];
  switch (shape.kind) {
    case "string":
      return typeof value === "string" ? [] : here();
    case "number":
      // NaN and Infinity are numbers to JavaScript but no config value can use them.
      return typeof value === "number" && Number.isFinite(value) ? [] : here();
    case "boolean":
      return typeof value === "boolean" ? [] : here();
    case "enum":
      return shape.values.includes(value as string | number) ? [] : here();
    case "array":
      if (!Array.isArray(value) || value.length < (shape.minLength ?? 0)) return here();
      return value.flatMap((item, i) => shapeProblems(item, shape.of, [...path, i]));
    case "tuple":
      if (!Array.isArray(value) || value.length !== shape.of.length) return here();
      return value.some((item, i) => shapeProblems(item, shape.of[i]).length > 0) ? here() : [];
    case "record":
      if (!isPlainObject(value)) return here();
      return Object.entries(value).flatMap(([k, v]) => shapeProblems(v, shape.of, [...path, k]));
    case "object": {
      if (!isPlainObject(value)) return here();
      const problems: ShapeProblem[] = [];
      const known = Object.keys(shape.fields);
      for (const key of Object.keys(value)) {
        if (Object.hasOwn(shape.fields, key)) continue;
        const suggestion = nearestKey(key, known);
        problems.push({ path: [...path, key], unknownKey: key, known, ...(suggestion ? { suggestion } : {}) });
      }
      for (const [key, field] of Object.entries(shape.fields)) {
        const v = value[key];
        if (v === undefined) {
          if (!field.optional) problems.push({ path: [...path, key], expected: describeShape(field.shape) });
          continue;
        }
        problems.push(...shapeProblems(v, field.shape, [...path, key]));
      }
      return problems;
    }
    case "oneOf": {
      // Exactly one option must fit, so { env, file } together is refused as ambiguous.
      const fits = shape.options.filter((o) => {
        if (shapeProblems(value, o).length > 0) return false;
        return o.kind !== "object" || Object.keys(value as object).every((k) => Object.hasOwn(o.fields, k));
      });
      return fits.length === 1 ? [] : here();
    }
  }
}
