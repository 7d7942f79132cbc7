/**
 * Loads ts-morph on demand: only positioning a finding (an error or a warning) in the config needs
 * its syntax tree. ts-morph ships its own TypeScript (6.x, not the 5.9 compiler that type-checks),
 * so loading it compiles three files, 13 MB of JavaScript: ~250 ms, more than the rest of a render.
 * With a cache folder, each file is compiled through V8's code cache (code-cache.ts: the cache
 * folder's copy, else the seed the build made) and registered in require's cache under its own
 * path, so ts-morph's own require() calls get the already loaded modules.
 */
import { readFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname, join } from "node:path";
import type * as TsMorph from "ts-morph";
import { codeCacheFile, loadCommonJs, type CommonJsModule } from "../code-cache.js";

const require = createRequire(import.meta.url);
let loaded: { tsMorph: typeof TsMorph; saveCodeCache: () => void } | undefined;

function versionOf(packageJson: string): string {
  return (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
}

/** The three files in load order, each named for its cache by its package's version. */
function tsMorphFiles(): { file: string; key: string }[] {
  const tsMorphFile = require.resolve("ts-morph");
  const commonFile = createRequire(tsMorphFile).resolve("@ts-morph/common");
  const tsMorphVersion = versionOf(join(dirname(tsMorphFile), "..", "package.json"));
  const commonVersion = versionOf(join(dirname(commonFile), "..", "package.json"));
  return [
    { file: join(dirname(commonFile), "typescript.js"), key: `ts-morph-common-${commonVersion}-typescript` },
    { file: commonFile, key: `ts-morph-common-${commonVersion}` },
    { file: tsMorphFile, key: `ts-morph-${tsMorphVersion}` },
  ];
}

/** Makes `require(file)` anywhere return `exports` without loading the file again. */
function register(file: string, exports: unknown): void {
  const module = new Module(file);
  module.filename = file;
  module.exports = exports;
  module.loaded = true;
  require.cache[file] = module;
}

/** ts-morph, loaded once per process; with `codeCacheDir`, through V8's code caches kept there. */
export function loadTsMorph(codeCacheDir?: string): typeof TsMorph {
  if (loaded) return loaded.tsMorph;
  if (!codeCacheDir) {
    loaded = { tsMorph: require("ts-morph") as typeof TsMorph, saveCodeCache: () => {} };
    return loaded.tsMorph;
  }
  const modules: CommonJsModule<unknown>[] = [];
  for (const { file, key } of tsMorphFiles()) {
    if (require.cache[file]) continue; // already loaded the ordinary way
    const module = loadCommonJs<unknown>(file, readFileSync(file, "utf8"), codeCacheFile(codeCacheDir, key, key));
    register(file, module.exports);
    modules.push(module);
  }
  loaded = {
    tsMorph: require("ts-morph") as typeof TsMorph,
    saveCodeCache: () => modules.forEach((m) => m.saveCodeCache()),
  };
  return loaded.tsMorph;
}

/** Stores the code caches of the files this process compiled afresh (after use, so they hold what ran). */
export function saveTsMorphCodeCache(): void {
  loaded?.saveCodeCache();
}
