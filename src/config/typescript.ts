/**
 * Loads the TypeScript compiler on demand (only when a config must be type-checked or positioned).
 * typescript.js is 9 MB of JavaScript: compiling it is most of its load time, so when a cache folder
 * is given, V8's code cache for it is kept there (like Node 22's module compile cache). V8 checks the
 * cached data against the source and falls back to a normal compile when it does not match.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname, join } from "node:path";
import vm from "node:vm";
import type * as TypeScript from "typescript";

export type TS = typeof TypeScript;

const require = createRequire(import.meta.url);
let loaded: { ts: TS; saveCodeCache: (() => void) | undefined } | undefined;

/** The version of the compiler that type-checks configs, read without loading the compiler. */
export function typescriptVersion(): string {
  return (JSON.parse(readFileSync(require.resolve("typescript/package.json"), "utf8")) as { version: string }).version;
}

/** The compiler, loaded once per process; with `codeCacheDir`, through V8's code cache kept there. */
export function loadTypeScript(codeCacheDir?: string): TS {
  if (loaded) return loaded.ts;
  if (!codeCacheDir) {
    loaded = { ts: require("typescript") as TS, saveCodeCache: undefined };
    return loaded.ts;
  }
  const file = require.resolve("typescript");
  const source = readFileSync(file, "utf8");
  const cacheFile = join(codeCacheDir, `typescript-${typescriptVersion()}-node${process.version}-${process.arch}.v8`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  const ts = module.exports as TS;
  const fresh = cachedData === undefined || script.cachedDataRejected === true;
  loaded = {
    ts,
    // Taken after use, the code cache also holds the functions the type-check compiled.
    saveCodeCache: fresh ? () => writeAtomically(cacheFile, script.createCachedData()) : undefined,
  };
  return ts;
}

/** Stores the compiler's code cache if this process compiled it afresh; failures only cost speed. */
export function saveTypeScriptCodeCache(): void {
  const save = loaded?.saveCodeCache;
  if (!save || !loaded) return;
  loaded.saveCodeCache = undefined;
  try {
    save();
  } catch {
    // A read-only or full cache folder: the next run compiles again.
  }
}

function writeAtomically(path: string, data: Buffer): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, data, { mode: 0o600 });
  renameSync(temp, path);
}
