/**
 * The config schema (valibot, src/config/schema.ts): its defaults, and its findings in the user's
 * words. The type-level half, that the schema's input is exactly types.ts's ClusterConfig, is checked
 * by the compiler (`npm run lint`, and the build): the `@ts-expect-error` lines below prove that the
 * check refuses a drift in either direction.
 */
import type * as v from "valibot";
import { checkConfig } from "../src/pipeline.js";
import { exampleConfigPath } from "../src/paths.js";
import { Findings } from "../src/config/findings.js";
import { clusterSchema, type FieldPaths, type Same } from "../src/config/schema.js";
import { parseShape } from "../src/config/shape-findings.js";
import type { ClusterConfig } from "../src/config/types.js";
import { TEST_ENV } from "./support/render.js";

const loaded = await checkConfig(exampleConfigPath, { env: TEST_ENV });
if (!loaded.ok) throw new Error("the example config must check");
const EXAMPLE = loaded.module.value as Record<string, unknown>;

type Keepalived = ClusterConfig["keepalived"];
type WithExtraField = Omit<ClusterConfig, "keepalived"> & { keepalived: Keepalived & { extra?: string } };
type WithoutField = Omit<ClusterConfig, "keepalived"> & { keepalived: Omit<Keepalived, "unicast"> };
type WithOtherKind = Omit<ClusterConfig, "keepalived"> & {
  keepalived: Omit<Keepalived, "unicast"> & { unicast?: number };
};
export const typeChecks: boolean[] = [
  // The schema and the types as they are: the same.
  true satisfies Same<v.InferInput<typeof clusterSchema>, ClusterConfig>,
  true satisfies Same<FieldPaths<v.InferInput<typeof clusterSchema>>, FieldPaths<ClusterConfig>>,
  // @ts-expect-error an optional field the schema lacks is a drift
  true satisfies Same<FieldPaths<WithExtraField>, FieldPaths<ClusterConfig>>,
  // @ts-expect-error a field the types lack is a drift
  true satisfies Same<FieldPaths<WithoutField>, FieldPaths<ClusterConfig>>,
  // @ts-expect-error a field of another kind is a drift
  true satisfies Same<WithOtherKind, ClusterConfig>,
];

function findingsOf(mutate: (config: Record<string, any>) => void): string[] {
  const config = structuredClone(EXAMPLE) as Record<string, any>;
  mutate(config);
  const f = new Findings();
  const parsed = parseShape(clusterSchema, config, f);
  expect(parsed === undefined).toBe(f.list.length > 0);
  return f.list.map((d) => `${d.code} ${(d.path ?? []).join(".")}: ${d.message}`);
}

describe("config schema", () => {
  test("fills the constant defaults the example leaves out, and keeps what it gives", () => {
    const config = structuredClone(EXAMPLE) as Record<string, any>;
    delete config.corosync;
    delete config.ring.routing;
    delete config.keepalived.advertInterval;
    const parsed = parseShape(clusterSchema, config, new Findings())!;
    expect(parsed.corosync.links).toEqual(["ring-a", "management"]);
    expect(parsed.ring).toMatchObject({ routing: "routed", prefix: 29 });
    expect(parsed.keepalived).toMatchObject({ advertInterval: 1, unicast: false });
    expect(parsed.linstor.nodeProperties).toEqual({ "DrbdOptions/AutoEvictAllowEviction": "false" });
    expect(parsed.name).toBe(EXAMPLE.name);
    // A default is a fresh value per parse, never a shared one a caller could change.
    const again = parseShape(clusterSchema, structuredClone(config), new Findings())!;
    expect(again.corosync.links).not.toBe(parsed.corosync.links);
  });

  test("names the field and what it expects", () => {
    expect(
      findingsOf((c) => {
        c.keepalived.virtualRouterId = "51";
        c.ring.routing = "ospf";
        c.nodes[1].zfs.mirror = "nvme0n1";
        c.pveStorage.content = [];
        c.keepalived.advertInterval = Infinity;
      }),
    ).toEqual([
      "HG006 nodes.1.zfs.mirror: expected a list",
      'HG006 ring.routing: expected one of "routed", "routed-fallback"',
      "HG006 keepalived.virtualRouterId: expected a number",
      "HG006 keepalived.advertInterval: expected a number",
      "HG006 pveStorage.content: expected a list of at least 1",
    ]);
  });

  test("an unknown key gets the nearest known one; a missing one what it should be", () => {
    expect(
      findingsOf((c) => {
        c.nodes[0].vrrpPriorty = 100;
        delete c.apt;
      }),
    ).toEqual([
      'HG009 nodes.0.vrrpPriorty: unknown key "vrrpPriorty": did you mean "vrrpPriority"? (known here: name, management, storage, zfs, vrrpPriority, ringNics, ringMacs)',
      "HG006 apt: expected apt { linbit?: URL, keyring?: path, debs?: folder }",
    ]);
  });

  test("a mismatch inside a tuple or a union is reported at the tuple or union", () => {
    expect(
      findingsOf((c) => {
        c.ring.links = [{ a: ["pivoine", 7], b: ["petunia", "enp8s0", "x"] }];
        c.keepalived.password = { env: "A", file: "b" };
      }),
    ).toEqual([
      'HG006 ring.links.0.a: expected ["node", "nic"]',
      'HG006 ring.links.0.b: expected ["node", "nic"]',
      'HG006 keepalived.password: expected { env: "NAME" } or { file: "path" }',
    ]);
  });
});
