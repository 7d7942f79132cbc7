/**
 * V8 code caches: the CLI bundle and the compiler run from the seeds the build made, else from the
 * cache folder's, compiled once; a cache that is damaged, foreign or cannot be written is ignored
 * (and replaced where it can be), never trusted, and the output is the same bytes whichever way
 * the bundle was loaded.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadCommonJs, readCodeCache, writeCodeCache } from "../src/code-cache.js";
import { BUNDLE_PATH, bundleCodeCache } from "../src/cli/launch.js";
import { codeCacheSeedDir, packageRoot } from "../src/paths.js";
import { ringConfig } from "../scripts/ring-config.mjs";
import { EXAMPLE_SOURCE, exampleWith, writeConfig } from "./support/configs.js";
import { TEST_ENV, tempDir } from "./support/render.js";
import { snapshotTree as treeOf } from "./support/tree.js";

describe("code cache files", () => {
  const payload = Buffer.from("not really V8 data, but any bytes round-trip");

  test("what is written for a key reads back for that key only", () => {
    const file = join(tempDir("homegarden-code-cache-"), "nested", "x.v8");
    expect(writeCodeCache(file, "key-1", payload)).toBe(true);
    expect(readCodeCache(file, "key-1")).toEqual(payload);
    expect(readCodeCache(file, "key-2")).toBeUndefined();
    expect(readdirSync(join(file, ".."))).toEqual(["x.v8"]);
  });

  test("a damaged, truncated, foreign or missing file reads as absent", () => {
    const dir = tempDir("homegarden-code-cache-");
    const file = join(dir, "x.v8");
    writeCodeCache(file, "k", payload);
    const good = readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 3] ^= 0xff;
    writeFileSync(file, flipped);
    expect(readCodeCache(file, "k")).toBeUndefined();
    writeFileSync(file, good.subarray(0, good.length - 1));
    expect(readCodeCache(file, "k")).toBeUndefined();
    writeFileSync(file, payload);
    expect(readCodeCache(file, "k")).toBeUndefined();
    writeFileSync(file, "");
    expect(readCodeCache(file, "k")).toBeUndefined();
    expect(readCodeCache(join(dir, "absent.v8"), "k")).toBeUndefined();
  });

  test("a folder that cannot be written gives false, not an error", () => {
    const blocker = join(tempDir("homegarden-code-cache-"), "a-file");
    writeFileSync(blocker, "");
    expect(writeCodeCache(join(blocker, "x.v8"), "k", payload)).toBe(false);
  });

  test("a CommonJS file runs the same compiled afresh, from its cache, and past a damaged cache", () => {
    const dir = tempDir("homegarden-code-cache-");
    const file = join(dir, "m.cjs");
    const source = `exports.twice = (n) => n * 2; exports.file = __filename;`;
    writeFileSync(file, source);
    const cache = { file: join(dir, "cache", "m.v8"), key: "m-1" };
    type M = { twice(n: number): number; file: string };

    const first = loadCommonJs<M>(file, source, cache);
    expect(first.loadedFrom).toBe("source");
    expect(first.exports.twice(21)).toBe(42);
    expect(first.exports.file).toBe(file);
    first.saveCodeCache();
    expect(readCodeCache(cache.file, cache.key)).toBeDefined();

    const second = loadCommonJs<M>(file, source, cache);
    expect(second.loadedFrom).toBe("cache");
    expect(second.exports.twice(4)).toBe(8);
    const written = statSync(cache.file).mtimeMs;
    second.saveCodeCache();
    expect(statSync(cache.file).mtimeMs).toBe(written);

    const damaged = readFileSync(cache.file);
    damaged[damaged.length >> 1] ^= 0xff;
    writeFileSync(cache.file, damaged);
    const third = loadCommonJs<M>(file, source, cache);
    expect(third.loadedFrom).toBe("source");
    expect(third.exports.twice(5)).toBe(10);
    third.saveCodeCache();
    expect(readCodeCache(cache.file, cache.key)).toBeDefined();
  });

  test("a seed serves when the cache file is absent or unusable, is never written, and comes after the file", () => {
    const dir = tempDir("homegarden-code-cache-");
    const file = join(dir, "m.cjs");
    const source = `exports.three = () => 3;`;
    writeFileSync(file, source);
    const seed = join(dir, "seed", "m.v8");
    const made = loadCommonJs<{ three(): number }>(file, source, { file: seed, key: "k" });
    made.saveCodeCache();
    const seedBytes = readFileSync(seed);
    const cache = { file: join(dir, "cache", "m.v8"), key: "k", seed };

    const fromSeed = loadCommonJs<{ three(): number }>(file, source, cache);
    expect(fromSeed.loadedFrom).toBe("seed");
    expect(fromSeed.exports.three()).toBe(3);
    fromSeed.saveCodeCache();
    expect(existsSync(cache.file)).toBe(false);

    mkdirSync(join(dir, "cache"));
    writeFileSync(cache.file, "not a code cache");
    expect(loadCommonJs(file, source, cache).loadedFrom).toBe("seed");

    const fresh = loadCommonJs(file, source, { file: cache.file, key: "k" });
    fresh.saveCodeCache();
    expect(loadCommonJs(file, source, cache).loadedFrom).toBe("cache");
    expect(loadCommonJs(file, source, { ...cache, key: "other" }).loadedFrom).toBe("source");
    expect(readFileSync(seed)).toEqual(seedBytes);
  });
});

describe("bin/homegarden and its code caches", () => {
  const bin = resolve(packageRoot, "bin", "homegarden");
  /** A V8 flag that changes nothing here but the flags V8 keys its caches by: the build's seeds do not serve. */
  const OTHER_V8_FLAGS = ["--stack-size=1000"];

  /** One process of bin/homegarden rendering the example config in `dir`: its exit and how it loaded the bundle. */
  function render(
    dir: string,
    out: string,
    env: NodeJS.ProcessEnv,
    nodeFlags: string[] = [],
  ): { status: number | null; codeCache: unknown } {
    const timings = join(dir, `${out}.timings.json`);
    const r = spawnSync(process.execPath, [...nodeFlags, bin, "render", "-o", out], {
      cwd: dir,
      env: { ...process.env, ...TEST_ENV, HOMEGARDEN_TIMINGS: timings, ...env },
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    return {
      status: r.status,
      codeCache: (JSON.parse(readFileSync(timings, "utf8")) as { codeCache: unknown }).codeCache,
    };
  }

  const v8FilesIn = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith(".v8"));

  test("the build's seeds serve a first run: the cache folder gets no code cache", () => {
    expect(v8FilesIn(codeCacheSeedDir).sort()).toEqual([
      expect.stringMatching(/^homegarden-.*\.v8$/),
      expect.stringMatching(/^ts-morph-[0-9.]+-node.*\.v8$/),
      expect.stringMatching(/^ts-morph-common-[0-9.]+-node.*\.v8$/),
      expect.stringMatching(/^ts-morph-common-[0-9.]+-typescript-node.*\.v8$/),
    ]);
    const { dir } = writeConfig(EXAMPLE_SOURCE);
    const cacheDir = tempDir("homegarden-cache-test-");
    expect(render(dir, "first", { HOMEGARDEN_CACHE_DIR: cacheDir })).toEqual({ status: 0, codeCache: "seed" });
    expect(readdirSync(cacheDir)).toEqual(["typecheck"]);
  });

  test("without a usable seed the first run writes the cache folder's, the next runs from it, a damaged or foreign one is replaced; the same bytes each time", () => {
    const { dir } = writeConfig(EXAMPLE_SOURCE);
    const cacheDir = tempDir("homegarden-cache-test-");
    const env = { HOMEGARDEN_CACHE_DIR: cacheDir };
    const cacheFile = bundleCodeCache(cacheDir, readFileSync(BUNDLE_PATH));

    expect(render(dir, "reference", env)).toEqual({ status: 0, codeCache: "seed" });
    expect(render(dir, "first", env, OTHER_V8_FLAGS)).toEqual({ status: 0, codeCache: "miss" });
    expect(readCodeCache(cacheFile.file, cacheFile.key)).toBeDefined();
    expect(render(dir, "second", env, OTHER_V8_FLAGS)).toEqual({ status: 0, codeCache: "hit" });

    const damaged = readFileSync(cacheFile.file);
    damaged[damaged.length >> 1] ^= 0xff;
    writeFileSync(cacheFile.file, damaged);
    expect(render(dir, "damaged", env, OTHER_V8_FLAGS)).toEqual({ status: 0, codeCache: "miss" });
    expect(readCodeCache(cacheFile.file, cacheFile.key)).toBeDefined();

    writeFileSync(cacheFile.file, readFileSync(process.execPath).subarray(0, 100_000));
    expect(render(dir, "foreign", env, OTHER_V8_FLAGS)).toEqual({ status: 0, codeCache: "miss" });
    expect(render(dir, "again", env, OTHER_V8_FLAGS)).toEqual({ status: 0, codeCache: "hit" });

    const reference = treeOf(join(dir, "reference"));
    expect(Object.keys(reference).length).toBeGreaterThan(50);
    for (const out of ["first", "second", "damaged", "foreign", "again"])
      expect(treeOf(join(dir, out))).toEqual(reference);
  });

  test("HOMEGARDEN_NO_CACHE=1 writes nothing and renders the same bytes", () => {
    const { dir } = writeConfig(EXAMPLE_SOURCE);
    const cacheDir = tempDir("homegarden-cache-test-");
    expect(render(dir, "cached", { HOMEGARDEN_CACHE_DIR: cacheDir })).toEqual({ status: 0, codeCache: "seed" });
    const uncachedDir = tempDir("homegarden-cache-test-");
    const off = { HOMEGARDEN_CACHE_DIR: uncachedDir, HOMEGARDEN_NO_CACHE: "1" };
    expect(render(dir, "uncached", off)).toEqual({ status: 0, codeCache: "off" });
    expect(readdirSync(uncachedDir)).toEqual([]);
    expect(treeOf(join(dir, "uncached"))).toEqual(treeOf(join(dir, "cached")));
  });

  test("a cache folder that cannot be written: the run succeeds, from the seed or compiling each time", () => {
    const { dir } = writeConfig(EXAMPLE_SOURCE);
    const blocker = join(tempDir("homegarden-cache-test-"), "a-file");
    writeFileSync(blocker, "");
    const env = { HOMEGARDEN_CACHE_DIR: join(blocker, "cache") };
    expect(render(dir, "one", env)).toEqual({ status: 0, codeCache: "seed" });
    expect(render(dir, "two", env, OTHER_V8_FLAGS)).toEqual({ status: 0, codeCache: "miss" });
    expect(render(dir, "three", env, OTHER_V8_FLAGS)).toEqual({ status: 0, codeCache: "miss" });
    expect(treeOf(join(dir, "three"))).toEqual(treeOf(join(dir, "one")));
  });

  test("a damaged compiler cache is ignored: a changed config is still type-checked and its error reported", () => {
    const { dir, file } = writeConfig(EXAMPLE_SOURCE);
    const cacheDir = tempDir("homegarden-cache-test-");
    const env = { HOMEGARDEN_CACHE_DIR: cacheDir };
    expect(render(dir, "first", env, OTHER_V8_FLAGS).status).toBe(0);
    const [compilerCache] = v8FilesIn(cacheDir).filter((f) => /^ts-morph-common-[0-9.]+-typescript-/.test(f));
    expect(compilerCache).toBeDefined();
    const damaged = readFileSync(join(cacheDir, compilerCache));
    damaged[damaged.length >> 1] ^= 0xff;
    writeFileSync(join(cacheDir, compilerCache), damaged);
    writeFileSync(file, exampleWith("virtualRouterId: 51,", 'virtualRouterId: "51",'));
    for (const flags of [OTHER_V8_FLAGS, []]) {
      const r = spawnSync(process.execPath, [...flags, bin, "check"], {
        cwd: dir,
        env: { ...process.env, ...TEST_ENV, ...env },
        encoding: "utf8",
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("error HG001 TS2322");
    }
  });

  test("ts-morph, which positions findings, loads from the seeds, else compiles once into the cache folder; the same finding each way", () => {
    // An even node count is a warning, positioned at `nodes` in the config. Each run's source
    // differs by a last comment line, so that none finds its finding's place in the type-check
    // cache (which remembers where a passed source's findings go) and every one positions it.
    const { dir, file } = writeConfig(ringConfig(4));
    const cacheDir = tempDir("homegarden-cache-test-");
    let run = 0;
    const check = (flags: string[]) => {
      run += 1;
      writeFileSync(file, `${ringConfig(4)}\n// run ${run}\n`);
      const r = spawnSync(process.execPath, [...flags, bin, "check"], {
        cwd: dir,
        env: { ...process.env, ...TEST_ENV, HOMEGARDEN_CACHE_DIR: cacheDir },
        encoding: "utf8",
      });
      expect(r.status).toBe(0);
      return r.stderr;
    };
    const fromSeeds = check([]);
    expect(fromSeeds).toMatch(/homegarden\.config\.ts:\d+:\d+ warning HG104 /);
    expect(v8FilesIn(cacheDir)).toEqual([]);
    expect(check(OTHER_V8_FLAGS)).toBe(fromSeeds);
    const tsMorphCaches = v8FilesIn(cacheDir).filter((f) => f.startsWith("ts-morph-"));
    expect(tsMorphCaches).toHaveLength(3);
    const written = tsMorphCaches.map((f) => statSync(join(cacheDir, f)).mtimeMs);
    expect(check(OTHER_V8_FLAGS)).toBe(fromSeeds);
    // Served from the cache folder: nothing compiled, nothing written again.
    expect(tsMorphCaches.map((f) => statSync(join(cacheDir, f)).mtimeMs)).toEqual(written);
  });
});
