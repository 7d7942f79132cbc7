#!/usr/bin/env node
/**
 * npm run bench: how long homegarden takes, measured as whole processes of bin/homegarden.
 *
 * Scenarios: the example rendered with an empty cache folder (first run ever), cold (config not in
 * the type-check cache; the compiler's code cache kept) and warm (config unchanged); `check` cold and
 * warm; generated rings of 16, 64 and 256 nodes (warm). Each runs several times; prints
 * min/median wall time, the median of each phase (as the process itself timed them: startup, typecheck,
 * evaluate, validate, plan, render, bundle, write), peak memory, whether the CLI bundle came from V8's
 * code cache ("code hit") or was compiled ("miss"), and the generated lines per ms; writes every
 * figure as JSON (default .bench/bench.json).
 *
 *   node scripts/bench.mjs [--runs 5] [--sizes 16,64,256] [--json path]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ringConfig } from "./ring-config.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "bin", "homegarden");
const example = join(root, "examples", "homegarden.config.ts");

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const RUNS = Number(flag("runs", "5"));
const SIZES = flag("sizes", "16,64,256").split(",").map(Number);
const JSON_OUT = resolve(flag("json", join(root, ".bench", "bench.json")));

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function generatedLines(dir) {
  let lines = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.endsWith(".tar.gz")) lines += readFileSync(p, "utf8").split("\n").length - 1;
    }
  };
  walk(dir);
  return lines;
}

const work = mkdtempSync(join(tmpdir(), "homegarden-bench-"));
const env = { ...process.env, HOMEGARDEN_VRRP_PASSWORD: "bench123" };
delete env.HOMEGARDEN_NO_CACHE;

/** One scenario: `runs` processes of `args`; `before(i)` prepares each run (e.g. empties the cache). */
function scenario(label, args, { cacheDir, before = () => {}, runs = RUNS, quiet = false }) {
  const walls = [];
  const timings = [];
  for (let i = 0; i < runs; i += 1) {
    before(i);
    const timingsFile = join(work, "timings.json");
    rmSync(timingsFile, { force: true });
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, ...args], {
      cwd: work,
      env: { ...env, HOMEGARDEN_CACHE_DIR: cacheDir, HOMEGARDEN_TIMINGS: timingsFile },
      encoding: "utf8",
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== 0) throw new Error(`${label}: homegarden ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
    walls.push(wallMs);
    timings.push(JSON.parse(readFileSync(timingsFile, "utf8")));
  }
  const phaseNames = [...new Set(timings.flatMap((t) => Object.keys(t.phasesMs)))];
  const phasesMs = Object.fromEntries(
    [
      ["startup", timings.map((t) => t.startupMs)],
      ...phaseNames.map((p) => [p, timings.map((t) => t.phasesMs[p] ?? 0)]),
    ].map(([p, v]) => [p, Math.round(median(v))]),
  );
  const result = {
    label,
    args,
    runs,
    wallMs: { min: Math.round(Math.min(...walls)), median: Math.round(median(walls)), all: walls.map(Math.round) },
    phasesMs,
    maxRssMiB: Math.round(Math.max(...timings.map((t) => t.maxRssKiB)) / 1024),
    // How each run loaded the CLI bundle: from V8's code cache (hit), compiled afresh (miss), off.
    codeCache: [...new Set(timings.map((t) => t.codeCache ?? "?"))].join("/"),
  };
  if (quiet) return result;
  const phases = Object.entries(phasesMs)
    .map(([p, v]) => `${p} ${v}`)
    .join(", ");
  console.log(
    `${label.padEnd(34)} min ${String(result.wallMs.min).padStart(5)} ms  median ${String(result.wallMs.median).padStart(5)} ms  ` +
      `peak ${String(result.maxRssMiB).padStart(4)} MiB  code ${result.codeCache.padEnd(4)} | ${phases}`,
  );
  return result;
}

const started = Date.now();
console.log(
  `homegarden bench: ${RUNS} runs per scenario, ${cpus().length} cpus, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
const results = [];
const out = join(work, "out");
const forgetChecks = (cacheDir) => () => rmSync(join(cacheDir, "typecheck"), { recursive: true, force: true });

// The example.
const exampleCache = join(work, "cache-example");
results.push(
  scenario("render example, empty cache folder", ["render", example, "-o", out], {
    cacheDir: exampleCache,
    before: () => rmSync(exampleCache, { recursive: true, force: true }),
    runs: Math.min(RUNS, 3),
  }),
);
results.push(
  scenario("render example, cold", ["render", example, "-o", out], {
    cacheDir: exampleCache,
    before: forgetChecks(exampleCache),
  }),
);
results.push(scenario("render example, warm", ["render", example, "-o", out], { cacheDir: exampleCache }));
const exampleLines = generatedLines(out);
results.push(
  scenario("check example, cold", ["check", example], { cacheDir: exampleCache, before: forgetChecks(exampleCache) }),
);
results.push(scenario("check example, warm", ["check", example], { cacheDir: exampleCache }));

// Generated rings (warm: the type-check's cost is what the example's cold runs show).
const growth = [{ nodes: 3, lines: exampleLines, warmMs: results[2].wallMs.median }];
for (const n of SIZES) {
  const config = join(work, `ring-${n}.config.ts`);
  writeFileSync(config, ringConfig(n));
  const cacheDir = join(work, `cache-ring-${n}`);
  const runs = n >= 256 ? Math.min(RUNS, 3) : RUNS;
  // One unmeasured run fills the type-check cache.
  scenario(`(prepare ring of ${n})`, ["check", config], { cacheDir, runs: 1, quiet: true });
  const warm = scenario(`render ring of ${n}, warm`, ["render", config, "-o", out], { cacheDir, runs });
  results.push(warm);
  growth.push({ nodes: n, lines: generatedLines(out), warmMs: warm.wallMs.median });
}

console.log("\ngrowth (warm render, median): nodes, generated lines, ms, lines per ms");
for (const g of growth) {
  g.linesPerMs = Math.round((g.lines / g.warmMs) * 10) / 10;
  console.log(
    `  ${String(g.nodes).padStart(4)} ${String(g.lines).padStart(8)} ${String(g.warmMs).padStart(6)} ${String(g.linesPerMs).padStart(8)}`,
  );
}

// The targets, by the minimum over the runs (the least disturbed by other load on the machine).
const byLabel = Object.fromEntries(results.map((r) => [r.label, r]));
const targets = [
  ["render example, cold", 500],
  ["render example, warm", 250],
  ...SIZES.filter((n) => n === 256).map((n) => [`render ring of ${n}, warm`, 3000]),
].map(([label, limitMs]) => ({
  label,
  limitMs,
  minMs: byLabel[label].wallMs.min,
  holds: byLabel[label].wallMs.min < limitMs,
}));
console.log("\ntargets (min wall time):");
for (const t of targets)
  console.log(
    `  ${t.label.padEnd(30)} ${String(t.minMs).padStart(6)} ms  < ${t.limitMs} ms: ${t.holds ? "holds" : "MISSES"}`,
  );

const figures = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadavg: loadavg(),
  runsPerScenario: RUNS,
  scenarios: results,
  growth,
  targets,
  benchSeconds: Math.round((Date.now() - started) / 100) / 10,
};
mkdirSync(dirname(JSON_OUT), { recursive: true });
writeFileSync(JSON_OUT, `${JSON.stringify(figures, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
console.log(`\n${figures.benchSeconds} s; figures written to ${JSON_OUT}`);
