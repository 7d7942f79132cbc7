/**
 * Property: whatever happens to the example config (hostile strings, numbers out of range, wrong
 * kinds, removed keys, duplicated entries), validate -> plan -> render -> assemble either yields
 * diagnostics or a clean render whose files pass real checks. Never an uncaught exception, never a
 * hostile value in an output file, never a path outside a bundle.
 *
 * Every hostile string carries the word CANARY behind a character no field accepts (newline,
 * quote, brace, space, "$(", ...). If a clean render contains CANARY, a value slipped through.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { parse as parseToml } from "smol-toml";
import { assertSafeRelativePath, outPath } from "../src/bundle/layout.js";
import { assembleOutput } from "../src/bundle/write.js";
import { validateConfig } from "../src/config/validate.js";
import { catalogue } from "../src/diagnostics/catalogue.js";
import { exampleConfigPath } from "../src/paths.js";
import { planCluster, type ClusterPlan } from "../src/plan/plan.js";
import type { Artifact } from "../src/artifact.js";
import { renderCluster, renderNodeArtifacts } from "../src/render/index.js";
import { checkConfig } from "../src/pipeline.js";
import { TEST_ENV, TEST_VRRP_PASSWORD } from "./support/render.js";
import {
  aptSourcesCheck,
  bashSyntax,
  drbdReactorSchemaCheck,
  fioParseOnly,
  haveCommand,
} from "./support/validators.js";

/** Runs of the main property; each is one mutated config through the whole in-memory pipeline. */
const RUNS = 2000;
/** Clean renders that also get the full cluster render, tarballs, and the real tools. */
const DEEP_CHECK_EVERY = 40;

const loaded = await checkConfig(exampleConfigPath, { env: TEST_ENV });
if (!loaded.ok) throw new Error("the example config must check");
const BASE = loaded.module.value as Record<string, unknown>;
const CODES = new Set(Object.values(catalogue).map((e) => e.code));

type Path = (string | number)[];
type Json = unknown;

/** Every path in the example: objects, arrays and leaves. */
function allPaths(value: Json, path: Path = []): Path[] {
  const here = path.length > 0 ? [path] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => allPaths(v, [...path, i]))];
  if (value && typeof value === "object")
    return [...here, ...Object.entries(value).flatMap(([k, v]) => allPaths(v, [...path, k]))];
  return here;
}
const PATHS = allPaths(BASE);
const ARRAY_PATHS = PATHS.filter((p) => Array.isArray(get(BASE, p)));

function get(root: Json, path: Path): Json {
  return path.reduce<Json>((v, k) => (v && typeof v === "object" ? (v as Record<string, Json>)[k] : undefined), root);
}

const SEPARATORS = [
  "\n",
  "\r\n",
  "\t",
  " ",
  '"',
  "'",
  "{",
  "}",
  "[",
  "]",
  ";",
  "#",
  "$(",
  "`",
  "\\",
  "\0",
  "=",
  "&",
  "|",
  "<",
  "!",
];
const hostileString = fc
  .tuple(
    fc.constantFrom("", "pivoine", "res-gr_pve", "10.10.0.0/29", "/dev/nvme0n1", "https://packages.linbit.com/public"),
    fc.constantFrom(...SEPARATORS),
    fc.constantFrom("", "}", "\n", '"'),
  )
  .map(([prefix, sep, suffix]) => `${prefix}${sep}CANARY${suffix}`);
// Path-like values are fine in some fields (a DRBD option value may contain "/"); they must never move an output path.
const pathString = fc.constantFrom("../escape", "/escape", "escape/../../x", "./escape\0", "..");
const oddValue = fc.oneof(
  fc.constantFrom(null, true, false, [], {}, 0, -1, 0.5, 256, 65536, 1e21, Number.NaN, Number.POSITIVE_INFINITY),
  fc.integer({ min: -10, max: 70000 }),
  fc.string({ maxLength: 12 }),
);

type Mutation =
  | { kind: "set"; path: Path; value: Json }
  | { kind: "remove"; path: Path }
  | { kind: "duplicate"; path: Path; index: number }
  | { kind: "tweak"; path: Path; delta: number };

const pathArb = fc.constantFrom(...PATHS);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), path: pathArb, value: fc.oneof(hostileString, pathString, oddValue) }),
  fc.record({ kind: fc.constant("remove" as const), path: pathArb }),
  fc.record({ kind: fc.constant("duplicate" as const), path: fc.constantFrom(...ARRAY_PATHS), index: fc.nat(4) }),
  // Small plausible changes, so that a good share of runs render cleanly with other values.
  fc.record({ kind: fc.constant("tweak" as const), path: pathArb, delta: fc.integer({ min: -3, max: 3 }) }),
);

function apply(root: Record<string, Json>, m: Mutation): void {
  const parent = get(root, m.path.slice(0, -1)) as Record<string | number, Json> | Json[] | undefined;
  const key = m.path[m.path.length - 1];
  if (!parent || typeof parent !== "object") return;
  const current = (parent as Record<string | number, Json>)[key];
  switch (m.kind) {
    case "set":
      (parent as Record<string | number, Json>)[key] = m.value;
      return;
    case "remove":
      if (Array.isArray(parent) && typeof key === "number") parent.splice(key, 1);
      else delete (parent as Record<string | number, Json>)[key];
      return;
    case "duplicate":
      if (Array.isArray(current) && current.length > 0)
        current.push(structuredClone(current[m.index % current.length]) as Json);
      return;
    case "tweak":
      if (typeof current === "number") (parent as Record<string | number, Json>)[key] = current + m.delta;
      else if (typeof current === "string" && m.delta !== 0)
        (parent as Record<string | number, Json>)[key] = m.delta > 0 ? `${current}-${m.delta}` : current.slice(0, -1);
      return;
  }
}

const stats = { runs: 0, rejected: 0, clean: 0, deep: 0, realToolRuns: 0, codes: new Set<string>() };

function textOf(a: Artifact): string {
  return typeof a.content === "string" ? a.content : a.content.toString("latin1");
}

/** Cheap, in-process checks for every clean render. */
function checkCleanArtifacts(artifacts: Artifact[]): void {
  for (const a of artifacts) {
    expect(() => outPath(a)).not.toThrow();
    const text = textOf(a);
    expect({ path: a.path, canary: text.includes("CANARY") }).toEqual({ path: a.path, canary: false });
    if (a.path.endsWith(".toml")) {
      const parsed = parseToml(text);
      expect({ path: a.path, problems: drbdReactorSchemaCheck(parsed) }).toEqual({ path: a.path, problems: [] });
    }
    if (a.path.endsWith("keepalived.conf")) {
      const opens = text.split("{").length;
      expect({ braces: opens }).toEqual({ braces: text.split("}").length });
    }
  }
}

/** For a sample of clean renders: the whole cluster render and tarballs, and the real programs. */
async function deepCheck(plan: ClusterPlan, password: string, keyring?: Buffer): Promise<void> {
  stats.deep += 1;
  const artifacts = await renderCluster(plan, { secrets: { vrrpPassword: password }, ...(keyring ? { keyring } : {}) });
  const files = await assembleOutput(artifacts, {});
  for (const f of files) assertSafeRelativePath(f.path);
  const planJson = files.find((f) => f.path === "plan.json")!;
  expect(planJson.content.toString()).not.toContain(TEST_VRRP_PASSWORD);
  const dir = mkdtempSync(join(tmpdir(), "homegarden-prop-"));
  try {
    const node = plan.nodes[0].name;
    const write = (path: string): string => {
      const file = files.find((f) => f.path === `${node}/${path}`);
      if (!file) throw new Error(`no ${node}/${path}`);
      const target = join(dir, path.replace(/\//g, "_"));
      writeFileSync(target, file.content);
      return target;
    };
    const expectOk = (r: { ok: boolean; output: string }): void => expect(r.output && !r.ok ? r.output : "").toBe("");
    expectOk(bashSyntax(write("run.sh")));
    stats.realToolRuns += 1;
    const sources = files.find((f) => f.path === `${node}/files/etc/apt/sources.list.d/linbit.sources`)!;
    if (haveCommand("apt-get")) {
      expectOk(aptSourcesCheck(sources.content.toString(), "deb822"));
      stats.realToolRuns += 1;
    }
    const job = files.find((f) => f.path.startsWith(`${node}/bench/`) && f.path.endsWith(".fio"));
    if (job && haveCommand("fio")) {
      expectOk(fioParseOnly(write(job.path.slice(node.length + 1))));
      stats.realToolRuns += 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("mutated example configs", () => {
  afterAll(() => {
    console.log(
      `property runs: ${stats.runs}; rejected with diagnostics: ${stats.rejected} (${stats.codes.size} distinct codes); ` +
        `clean renders: ${stats.clean}, of which ${stats.deep} fully assembled; real tool runs: ${stats.realToolRuns}`,
    );
  });

  test(`${RUNS} mutations: diagnostics or a clean, checked render, never an exception`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        stats.runs += 1;
        const config = structuredClone(BASE);
        for (const m of mutations) apply(config, m);
        const result = validateConfig(config, { configFile: exampleConfigPath, env: TEST_ENV });
        const planned = result.ok ? planCluster(result.valid) : undefined;
        if (!result.ok || !planned?.plan) {
          stats.rejected += 1;
          const diagnostics = result.ok ? planned!.findings : result.diagnostics;
          expect(diagnostics.some((d) => d.severity === "error")).toBe(true);
          for (const d of diagnostics) {
            stats.codes.add(d.code);
            expect(CODES.has(d.code)).toBe(true);
            // Every finding can be positioned in the user's file, and stays on one line.
            expect(d.path).toBeDefined();
            expect(d.message).not.toMatch(/[\n\r\0]/);
            expect(d.message).not.toContain(TEST_VRRP_PASSWORD);
          }
          return;
        }
        stats.clean += 1;
        const plan = planned.plan;
        const artifacts = renderNodeArtifacts(plan, { secrets: result.valid.secrets });
        checkCleanArtifacts(artifacts);
        if (stats.clean % DEEP_CHECK_EVERY === 1) await deepCheck(plan, result.valid.secrets.vrrpPassword);
      }),
      { numRuns: RUNS, seed: 20260505 },
    );
    // The property means little unless both outcomes happen often.
    expect(stats.rejected).toBeGreaterThan(RUNS / 4);
    expect(stats.clean).toBeGreaterThan(RUNS / 10);
  });
});
