/**
 * The type-check cache: an unchanged config skips the compiler, a changed one is always checked
 * again, the output is the same bytes either way, and the cache holds no config content.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { cli } from "./support/cli.js";
import { packageRoot } from "../src/paths.js";
import { cacheDirFromEnv, openTypecheckCache } from "../src/config/typecheck-cache.js";
import { EXAMPLE_SOURCE, exampleWith, lineOf, writeConfig } from "./support/configs.js";
import { TEST_ENV, TEST_VRRP_PASSWORD, tempDir } from "./support/render.js";
import { ringConfigSource } from "./support/ring-configs.js";

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[p.slice(dir.length + 1)] = readFileSync(p).toString("base64");
    }
  };
  walk(dir);
  return out;
}

const entriesIn = (cacheDir: string): string[] => {
  try {
    return readdirSync(join(cacheDir, "typecheck"));
  } catch {
    return [];
  }
};

describe("type-check cache", () => {
  test("places a passed source's findings once: later runs read where from the cache and load no ts-morph", () => {
    // A 4-node ring: its even node count is a warning (HG104), placed on the nodes line.
    const { dir, file } = writeConfig(ringConfigSource({ nodes: 4, topology: "ring", routing: "routed" }));
    const env = { ...process.env, ...TEST_ENV, HOMEGARDEN_CACHE_DIR: tempDir("homegarden-cache-test-") };
    const check = (run: string): { stderr: string; phases: Record<string, number> } => {
      const timings = join(dir, `${run}.json`);
      const r = spawnSync(process.execPath, [resolve(packageRoot, "bin", "homegarden"), "check", file], {
        cwd: dir,
        env: { ...env, HOMEGARDEN_TIMINGS: timings },
        encoding: "utf8",
      });
      expect(r.status).toBe(0);
      return { stderr: r.stderr, phases: JSON.parse(readFileSync(timings, "utf8")).phasesMs };
    };
    const first = check("first");
    expect(first.stderr).toMatch(/:\d+:\d+ warning HG104 /);
    expect(Object.keys(first.phases)).toEqual(expect.arrayContaining(["ts-morph load", "position"]));
    const second = check("second");
    expect(second.stderr).toBe(first.stderr);
    expect(Object.keys(second.phases).filter((p) => /compiler|ts-morph|position/.test(p))).toEqual([]);
  });

  test("renders the same bytes uncached, on a cache miss and on a cache hit", async () => {
    const { dir } = writeConfig(EXAMPLE_SOURCE);
    const cacheDir = tempDir("homegarden-cache-test-");
    const withCache = { ...TEST_ENV, HOMEGARDEN_CACHE_DIR: cacheDir };
    const uncached = await cli(["render", "-o", "uncached"], dir, { ...withCache, HOMEGARDEN_NO_CACHE: "1" });
    expect(uncached.code).toBe(0);
    expect(entriesIn(cacheDir)).toEqual([]);
    expect((await cli(["render", "-o", "miss"], dir, withCache)).code).toBe(0);
    expect(entriesIn(cacheDir)).toHaveLength(1);
    expect((await cli(["render", "-o", "hit"], dir, withCache)).code).toBe(0);
    expect(entriesIn(cacheDir)).toHaveLength(1);
    const reference = tree(join(dir, "uncached"));
    expect(Object.keys(reference).length).toBeGreaterThan(50);
    expect(tree(join(dir, "miss"))).toEqual(reference);
    expect(tree(join(dir, "hit"))).toEqual(reference);
  });

  test("a recorded pass is what skips the check: it is keyed to the exact source", async () => {
    // Plant a pass for a source with a type error: the loader then trusts it, which shows the
    // cache is consulted, and that only that exact text is trusted.
    const broken = exampleWith("virtualRouterId: 51,", 'virtualRouterId: "51",');
    const { dir, file } = writeConfig(broken);
    const cacheDir = tempDir("homegarden-cache-test-");
    const env = { ...TEST_ENV, HOMEGARDEN_CACHE_DIR: cacheDir };
    const cache = openTypecheckCache(cacheDir);
    cache.recordPass(cache.keyFor(broken));
    const trusted = await cli(["check"], dir, env);
    expect(trusted.stderr).not.toContain("TS2322");
    writeFileSync(file, `${broken}\n`);
    const rechecked = await cli(["check"], dir, env);
    expect(rechecked.code).toBe(1);
    expect(rechecked.stderr).toContain(
      `homegarden.config.ts:${lineOf(broken, 'virtualRouterId: "51"')}:5 error HG001 TS2322`,
    );
  });

  test("a config changed after a cached success is checked again and a type error rejected", async () => {
    const { dir, file } = writeConfig(EXAMPLE_SOURCE);
    const env = { ...TEST_ENV, HOMEGARDEN_CACHE_DIR: tempDir("homegarden-cache-test-") };
    expect((await cli(["check"], dir, env)).code).toBe(0);
    expect((await cli(["check"], dir, env)).code).toBe(0);
    const broken = exampleWith("virtualRouterId: 51,", 'virtualRouterId: "51",');
    writeFileSync(file, broken);
    const result = await cli(["render"], dir, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `homegarden.config.ts:${lineOf(broken, 'virtualRouterId: "51"')}:5 error HG001 TS2322`,
    );
    expect(readdirSync(dir)).toEqual(["homegarden.config.ts"]);
  });

  test("entries hold no config content and no secret", async () => {
    const { dir } = writeConfig(EXAMPLE_SOURCE);
    const cacheDir = tempDir("homegarden-cache-test-");
    expect((await cli(["render"], dir, { ...TEST_ENV, HOMEGARDEN_CACHE_DIR: cacheDir })).code).toBe(0);
    const [entry] = entriesIn(cacheDir);
    expect(entry).toMatch(/^[0-9a-f]{64}\.json$/);
    const text = readFileSync(join(cacheDir, "typecheck", entry), "utf8");
    expect(JSON.parse(text)).toEqual({ typecheck: "passed", homegarden: expect.any(String) });
    for (const file of readdirSync(cacheDir, { recursive: true, withFileTypes: true })) {
      if (!file.isFile()) continue;
      const content = readFileSync(join(file.parentPath, file.name)).toString("latin1");
      expect(content).not.toContain(TEST_VRRP_PASSWORD);
      expect(content).not.toContain("pivoine");
    }
  });

  test("a cache folder that cannot be written only costs speed", async () => {
    const { dir } = writeConfig(EXAMPLE_SOURCE);
    const blocker = join(tempDir("homegarden-cache-test-"), "a-file");
    writeFileSync(blocker, "");
    const result = await cli(["render"], dir, { ...TEST_ENV, HOMEGARDEN_CACHE_DIR: join(blocker, "cache") });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });

  test("bin/homegarden loads ts-morph's TypeScript on a miss (never the typescript package), and on a hit no package but from dist/", () => {
    // Records every file resolved through require (the compiler is loaded through its path).
    const { dir } = writeConfig(EXAMPLE_SOURCE);
    const hook = join(dir, "record-requires.cjs");
    const loadedFile = join(dir, "loaded.txt");
    writeFileSync(
      hook,
      `const Module = require("node:module"); const fs = require("node:fs"); const seen = new Set();
const resolve = Module._resolveFilename; Module._resolveFilename = function (...args) { const file = resolve.apply(this, args); seen.add(file); return file; };
process.on("exit", () => fs.writeFileSync(process.env.LOADED_FILE, [...seen].join("\\n")));`,
    );
    const env = {
      ...process.env,
      ...TEST_ENV,
      HOMEGARDEN_CACHE_DIR: tempDir("homegarden-cache-test-"),
      LOADED_FILE: loadedFile,
    };
    const nodeModules = join(packageRoot, "node_modules");
    /** The files of node_modules/ a render resolves. */
    const packagesLoadedBy = (): string[] => {
      const r = spawnSync(process.execPath, ["-r", hook, resolve(packageRoot, "bin", "homegarden"), "render"], {
        cwd: dir,
        env,
        encoding: "utf8",
      });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const files = readFileSync(loadedFile, "utf8").split("\n");
      expect(files).toContain(join(packageRoot, "dist", "launch.cjs"));
      return files.filter((f) => f.startsWith(nodeModules)).map((f) => f.slice(nodeModules.length + 1));
    };
    // A miss type-checks with ts-morph's TypeScript, the one compiler of a run, and the lib files the
    // build extracted from it (dist/ts-lib-files.json): neither the rest of ts-morph (a clean config
    // needs no positions) nor the typescript package (the build's and the tests') is loaded.
    const miss = packagesLoadedBy();
    expect(miss).toContain("@ts-morph/common/dist/typescript.js");
    expect(miss.filter((f) => f.startsWith("typescript/") || /ts-morph(-common)?\.js$/.test(f))).toEqual([]);
    // All a hit runs (sucrase and the sandbox's JavaScript included) is bundled in dist/: of the
    // packages it reads only the compiler's package.json files, for its version (part of the cache
    // key), and the sandbox engine's WebAssembly binary.
    expect(packagesLoadedBy()).toEqual([
      "ts-morph/package.json",
      "@ts-morph/common/package.json",
      "@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm",
    ]);
  });

  test("location: HOMEGARDEN_CACHE_DIR, then XDG_CACHE_HOME, then HOME; HOMEGARDEN_NO_CACHE turns it off", () => {
    expect(cacheDirFromEnv({ HOMEGARDEN_CACHE_DIR: "/c", XDG_CACHE_HOME: "/x", HOME: "/h" })).toBe("/c");
    expect(cacheDirFromEnv({ XDG_CACHE_HOME: "/x", HOME: "/h" })).toBe("/x/homegarden");
    expect(cacheDirFromEnv({ HOME: "/h" })).toBe("/h/.cache/homegarden");
    expect(cacheDirFromEnv({})).toBeUndefined();
    expect(cacheDirFromEnv({ HOMEGARDEN_CACHE_DIR: "/c", HOMEGARDEN_NO_CACHE: "1" })).toBeUndefined();
    expect(cacheDirFromEnv({ HOMEGARDEN_CACHE_DIR: "/c", HOMEGARDEN_NO_CACHE: "0" })).toBe("/c");
  });

  test("keys differ for any change of the source and are stable for the same source", () => {
    const dir = tempDir("homegarden-cache-test-");
    mkdirSync(dir, { recursive: true });
    const cache = openTypecheckCache(dir);
    expect(cache.keyFor(EXAMPLE_SOURCE)).toBe(openTypecheckCache(dir).keyFor(EXAMPLE_SOURCE));
    expect(cache.keyFor(EXAMPLE_SOURCE)).not.toBe(cache.keyFor(`${EXAMPLE_SOURCE} `));
  });
});
