/**
 * V8 code caches: the CLI bundle and the compiler are compiled once and then run from the cache
 * folder; a cache that is damaged, foreign or cannot be written is ignored (and replaced where it
 * can be), never trusted, and the output is the same bytes whichever way the bundle was loaded.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadCommonJs, readCodeCache, writeCodeCache } from "../src/code-cache.js";
import { BUNDLE_PATH, bundleCodeCache } from "../src/cli/launch.js";
import { packageRoot } from "../src/paths.js";
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
    expect(first.fromCache).toBe(false);
    expect(first.exports.twice(21)).toBe(42);
    expect(first.exports.file).toBe(file);
    first.saveCodeCache();
    expect(readCodeCache(cache.file, cache.key)).toBeDefined();

    const second = loadCommonJs<M>(file, source, cache);
    expect(second.fromCache).toBe(true);
    expect(second.exports.twice(4)).toBe(8);
    const written = statSync(cache.file).mtimeMs;
    second.saveCodeCache();
    expect(statSync(cache.file).mtimeMs).toBe(written);

    const damaged = readFileSync(cache.file);
    damaged[damaged.length >> 1] ^= 0xff;
    writeFileSync(cache.file, damaged);
    const third = loadCommonJs<M>(file, source, cache);
    expect(third.fromCache).toBe(false);
    expect(third.exports.twice(5)).toBe(10);
    third.saveCodeCache();
    expect(readCodeCache(cache.file, cache.key)).toBeDefined();
  });
});

describe("bin/homegarden and its code cache", () => {
  const bin = resolve(packageRoot, "bin", "homegarden");

  /** One process of bin/homegarden rendering the example config in `dir`: its exit, stderr and how it loaded the bundle. */
  function render(dir: string, out: string, env: NodeJS.ProcessEnv): { status: number | null; codeCache: unknown } {
    const timings = join(dir, `${out}.timings.json`);
    const r = spawnSync(process.execPath, [bin, "render", "-o", out], {
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

  test("the first run writes the bundle's cache, the next runs from it, a damaged or foreign one is replaced; the same bytes each time", () => {
    const { dir } = writeConfig(EXAMPLE_SOURCE);
    const cacheDir = tempDir("homegarden-cache-test-");
    const env = { HOMEGARDEN_CACHE_DIR: cacheDir };
    const cacheFile = bundleCodeCache(cacheDir, readFileSync(BUNDLE_PATH));

    expect(render(dir, "first", env)).toEqual({ status: 0, codeCache: "miss" });
    expect(readCodeCache(cacheFile.file, cacheFile.key)).toBeDefined();
    expect(render(dir, "second", env)).toEqual({ status: 0, codeCache: "hit" });

    const damaged = readFileSync(cacheFile.file);
    damaged[damaged.length >> 1] ^= 0xff;
    writeFileSync(cacheFile.file, damaged);
    expect(render(dir, "damaged", env)).toEqual({ status: 0, codeCache: "miss" });
    expect(readCodeCache(cacheFile.file, cacheFile.key)).toBeDefined();

    writeFileSync(cacheFile.file, readFileSync(process.execPath).subarray(0, 100_000));
    expect(render(dir, "foreign", env)).toEqual({ status: 0, codeCache: "miss" });
    expect(render(dir, "again", env)).toEqual({ status: 0, codeCache: "hit" });

    const reference = treeOf(join(dir, "first"));
    expect(Object.keys(reference).length).toBeGreaterThan(50);
    for (const out of ["second", "damaged", "foreign", "again"]) expect(treeOf(join(dir, out))).toEqual(reference);
  });

  test("HOMEGARDEN_NO_CACHE=1 writes nothing and renders the same bytes", () => {
    const { dir } = writeConfig(EXAMPLE_SOURCE);
    const cacheDir = tempDir("homegarden-cache-test-");
    expect(render(dir, "cached", { HOMEGARDEN_CACHE_DIR: cacheDir })).toEqual({ status: 0, codeCache: "miss" });
    const uncachedDir = tempDir("homegarden-cache-test-");
    const off = { HOMEGARDEN_CACHE_DIR: uncachedDir, HOMEGARDEN_NO_CACHE: "1" };
    expect(render(dir, "uncached", off)).toEqual({ status: 0, codeCache: "off" });
    expect(readdirSync(uncachedDir)).toEqual([]);
    expect(treeOf(join(dir, "uncached"))).toEqual(treeOf(join(dir, "cached")));
  });

  test("a cache folder that cannot be written: the run succeeds, each time compiling afresh", () => {
    const { dir } = writeConfig(EXAMPLE_SOURCE);
    const blocker = join(tempDir("homegarden-cache-test-"), "a-file");
    writeFileSync(blocker, "");
    const env = { HOMEGARDEN_CACHE_DIR: join(blocker, "cache") };
    expect(render(dir, "one", env)).toEqual({ status: 0, codeCache: "miss" });
    expect(render(dir, "two", env)).toEqual({ status: 0, codeCache: "miss" });
    expect(existsSync(join(dir, "two", "pivoine", "run.sh"))).toBe(true);
  });

  test("a damaged compiler cache is ignored: a changed config is still type-checked and its error reported", () => {
    const { dir, file } = writeConfig(EXAMPLE_SOURCE);
    const cacheDir = tempDir("homegarden-cache-test-");
    const env = { HOMEGARDEN_CACHE_DIR: cacheDir };
    expect(render(dir, "first", env).status).toBe(0);
    const [compilerCache] = readdirSync(cacheDir).filter((f) => f.startsWith("typescript-"));
    expect(compilerCache).toMatch(/\.v8$/);
    const damaged = readFileSync(join(cacheDir, compilerCache));
    damaged[damaged.length >> 1] ^= 0xff;
    writeFileSync(join(cacheDir, compilerCache), damaged);
    writeFileSync(file, exampleWith("virtualRouterId: 51,", 'virtualRouterId: "51",'));
    const r = spawnSync(process.execPath, [bin, "check"], {
      cwd: dir,
      env: { ...process.env, ...TEST_ENV, ...env },
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error HG001 TS2322");
  });
});
