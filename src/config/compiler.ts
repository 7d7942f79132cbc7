/**
 * The one TypeScript of a run: ts-morph's own (TypeScript 6 in @ts-morph/common), loaded on demand.
 * A type-check needs its compiler and its lib files (@ts-morph/common embeds them); positioning a
 * finding needs ts-morph itself on top, which then reuses the same compiler. No other TypeScript is
 * loaded at run time (the `typescript` package is only the build's and ts-jest's).
 *
 * typescript.js is 9 MB of JavaScript and ts-morph-common.js 3 MB: compiling them is most of their
 * load time, so with a cache folder each is compiled through V8's code cache (code-cache.ts: the
 * cache folder's copy, else the seed the build made in dist/code-cache/) and registered in require's
 * cache under its own path, so that the next file's require() calls get the already loaded modules.
 */
import { readFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname, join } from "node:path";
import type * as TsMorph from "ts-morph";
import { codeCacheFile, loadCommonJs, type CommonJsModule } from "../code-cache.js";
import { libFilesPath } from "../paths.js";
import { timed } from "../timings.js";

export type TS = typeof TsMorph.ts;

/** The compiler with the lib files it type-checks against. */
export interface Compiler {
  ts: TS;
  /** Where the lib files seem to be (a folder that exists only in `libFiles`). */
  libFolder: string;
  /** Lib file name ("lib.es5.d.ts") to its text. */
  libFiles: Map<string, string>;
}

const require = createRequire(import.meta.url);

/** What this module uses of @ts-morph/common (ts-morph's dependency, resolved from ts-morph). */
interface TsMorphCommon {
  ts: TS;
  libFolderInMemoryPath: string;
  getLibFiles(): { fileName: string; text: string }[];
}

function packageOf(packageJson: string): { main: string; version: string } {
  const { main, version } = JSON.parse(readFileSync(packageJson, "utf8")) as { main: string; version: string };
  return { main: join(dirname(packageJson), main), version };
}

/** Where ts-morph and its @ts-morph/common are, found (not loaded) on first use. */
let found: { tsMorph: string; common: string; commonVersion: string; tsMorphVersion: string } | undefined;
function packages(): NonNullable<typeof found> {
  if (found) return found;
  const tsMorphJson = require.resolve("ts-morph/package.json");
  const tsMorph = packageOf(tsMorphJson);
  const common = packageOf(createRequire(tsMorphJson).resolve("@ts-morph/common/package.json"));
  found = {
    tsMorph: tsMorph.main,
    common: common.main,
    commonVersion: common.version,
    tsMorphVersion: tsMorph.version,
  };
  return found;
}

/** The compiler's identity, read without loading it: @ts-morph/common's version names its TypeScript. */
export function compilerVersion(): string {
  return `@ts-morph/common ${packages().commonVersion}`;
}

/** The three files in load order, each named for its cache by its package's version. */
function files(): { file: string; key: string }[] {
  const { tsMorph, common, commonVersion, tsMorphVersion } = packages();
  return [
    { file: join(dirname(common), "typescript.js"), key: `ts-morph-common-${commonVersion}-typescript` },
    { file: common, key: `ts-morph-common-${commonVersion}` },
    { file: tsMorph, key: `ts-morph-${tsMorphVersion}` },
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

const compiled: CommonJsModule<unknown>[] = [];

/** Loads the first `count` of the files (those not loaded yet); with `codeCacheDir`, through V8's code caches. */
function loadFiles(count: number, codeCacheDir: string | undefined): void {
  if (!codeCacheDir) return;
  for (const { file, key } of files().slice(0, count)) {
    if (require.cache[file]) continue;
    const module = loadCommonJs<unknown>(file, readFileSync(file, "utf8"), codeCacheFile(codeCacheDir, key, key));
    register(file, module.exports);
    compiled.push(module);
  }
}

/** The lib files `names` ("lib.es5.d.ts") need: themselves and every lib they reference, by name. */
export function libClosure(all: Map<string, string>, names: string[]): Map<string, string> {
  const needed = new Map<string, string>();
  const queue = [...names];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const text = all.get(name);
    if (text === undefined || needed.has(name)) continue;
    needed.set(name, text);
    for (const m of text.matchAll(/^\/\/\/ <reference lib="([^"]+)" \/>/gm))
      queue.push(`lib.${m[1].toLowerCase()}.d.ts`);
  }
  return needed;
}

/**
 * The lib files as the build extracted them (dist/ts-lib-files.json: only those a type-check reads,
 * ~70 KB, instead of loading @ts-morph/common's 3 MB to get at them), when they are of this compiler.
 */
function extractedLibFiles(): LibFiles | undefined {
  try {
    const extracted = JSON.parse(readFileSync(libFilesPath, "utf8")) as LibFiles & { compiler: string };
    return extracted.compiler === compilerVersion() ? extracted : undefined;
  } catch {
    return undefined;
  }
}

export interface LibFiles {
  folder: string;
  files: Record<string, string>;
}

/** Every lib file of ts-morph's TypeScript (loads @ts-morph/common). */
export function allLibFiles(codeCacheDir?: string): LibFiles {
  loadFiles(2, codeCacheDir);
  const common = require(packages().common) as TsMorphCommon;
  return {
    folder: common.libFolderInMemoryPath,
    files: Object.fromEntries(common.getLibFiles().map((f) => [f.fileName, f.text])),
  };
}

let compiler: Compiler | undefined;

/** The compiler and its lib files, loaded once per process. */
export function loadCompiler(codeCacheDir?: string): Compiler {
  if (compiler) return compiler;
  compiler = timed("compiler load", () => {
    loadFiles(1, codeCacheDir);
    const ts = require(files()[0].file) as TS;
    const libs = extractedLibFiles() ?? allLibFiles(codeCacheDir);
    return { ts, libFolder: libs.folder, libFiles: new Map(Object.entries(libs.files)) };
  });
  return compiler;
}

let tsMorph: typeof TsMorph | undefined;

/** ts-morph on the same compiler, loaded once per process. */
export function loadTsMorph(codeCacheDir?: string): typeof TsMorph {
  if (tsMorph) return tsMorph;
  tsMorph = timed("ts-morph load", () => {
    loadFiles(3, codeCacheDir);
    return require(packages().tsMorph) as typeof TsMorph;
  });
  return tsMorph;
}

/** Stores the code caches of the files this process compiled afresh (after use, so they hold what ran). */
export function saveCompilerCodeCache(): void {
  for (const module of compiled) module.saveCodeCache();
}
