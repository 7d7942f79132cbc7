/**
 * Loads the TypeScript compiler on demand (only when a config must be type-checked or positioned).
 * typescript.js is 9 MB of JavaScript: compiling it is most of its load time, so when a cache folder
 * is given, it is loaded through V8's code cache (see code-cache.ts): the one kept in that folder,
 * else the seed the build made in dist/code-cache/.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as TypeScript from "typescript";
import { codeCacheFile, loadCommonJs } from "../code-cache.js";

export type TS = typeof TypeScript;

const require = createRequire(import.meta.url);
let loaded: { ts: TS; saveCodeCache: () => void } | undefined;

/** The version of the compiler that type-checks configs, read without loading the compiler. */
export function typescriptVersion(): string {
  return (JSON.parse(readFileSync(require.resolve("typescript/package.json"), "utf8")) as { version: string }).version;
}

/** The compiler, loaded once per process; with `codeCacheDir`, through V8's code cache kept there. */
export function loadTypeScript(codeCacheDir?: string): TS {
  if (loaded) return loaded.ts;
  if (!codeCacheDir) {
    loaded = { ts: require("typescript") as TS, saveCodeCache: () => {} };
    return loaded.ts;
  }
  const file = require.resolve("typescript");
  // The compiler's version names its source (hashing 9 MB at each load would cost more than it saves).
  const key = `typescript-${typescriptVersion()}`;
  const module = loadCommonJs<TS>(file, readFileSync(file, "utf8"), codeCacheFile(codeCacheDir, key, key));
  loaded = { ts: module.exports, saveCodeCache: () => module.saveCodeCache() };
  return loaded.ts;
}

/** Stores the compiler's code cache if this process compiled it afresh (after use: it then also holds the functions the type-check compiled). */
export function saveTypeScriptCodeCache(): void {
  loaded?.saveCodeCache();
}
