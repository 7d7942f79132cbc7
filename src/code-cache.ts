/**
 * Loads a CommonJS file through V8's code cache kept in a file, like Node 22's module compile cache
 * (Node 20 has none): compiling is most of the load time of a large file (the CLI bundle, the
 * TypeScript compiler), and V8 skips it when given the code it produced for the same source before.
 *
 * V8 checks cached data only against the source's length and its own version and flags, not its
 * payload: a damaged file can crash the process, and a same-length edit of the source could run
 * stale code. So each cache file starts with a header line naming what it was made from (`key`, e.g.
 * a digest of the source) and a SHA-256 of the payload; a file whose header or digest does not
 * match is ignored, as if absent, and replaced after the run. Writes are atomic (temporary file and
 * rename) and never throw: a cache that cannot be written only costs speed.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname, join } from "node:path";
import vm from "node:vm";
import { codeCacheSeedDir } from "./paths.js";

const MAGIC = "homegarden-v8-code-cache 1";

export interface CodeCacheFile {
  /** Where the cache is kept (and written when the file had to be compiled). */
  file: string;
  /** What the cache was made from (no spaces): the cache is used only when its header names this key. */
  key: string;
  /** A read-only cache made when homegarden was built, used when `file` is absent or unusable. */
  seed?: string;
}

export interface CommonJsModule<T> {
  exports: T;
  /** Where V8 got the compiled code: the cache file, the seed, or neither (compiled from source). */
  loadedFrom: "cache" | "seed" | "source";
  /** Writes the cache if this process compiled the file afresh (call it after use: the cache then also holds the functions compiled while running); never throws. */
  saveCodeCache(): void;
}

/**
 * The cache for a file named `stem` (e.g. "ts-morph-28.0.0") in `cacheDir`, with its seed made at
 * build time: one file per Node version and architecture, used only for `key`.
 */
export function codeCacheFile(cacheDir: string, stem: string, key: string): CodeCacheFile {
  const name = `${stem}-node${process.version}-${process.arch}.v8`;
  return { file: join(cacheDir, name), key, seed: join(codeCacheSeedDir, name) };
}

const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

/** The cached data in `file` if its header names `key` and its payload is intact; otherwise undefined. */
export function readCodeCache(file: string, key: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  const newline = data.indexOf(10);
  if (newline < 0 || newline > 512) return undefined;
  const [magic, version, headerKey, digest] = data.subarray(0, newline).toString("latin1").split(" ");
  if (`${magic} ${version}` !== MAGIC || headerKey !== key) return undefined;
  const payload = data.subarray(newline + 1);
  return payload.length > 0 && sha256(payload) === digest ? payload : undefined;
}

/** Stores cached data for `key` in `file` atomically; returns false (and leaves no temporary file) if it cannot. */
export function writeCodeCache(file: string, key: string, payload: Buffer): boolean {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(temp, Buffer.concat([Buffer.from(`${MAGIC} ${key} ${sha256(payload)}\n`, "latin1"), payload]), {
      mode: 0o600,
    });
    renameSync(temp, file);
    return true;
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Nothing more to do: the folder is not writable.
    }
    return false;
  }
}

/**
 * Runs a CommonJS file (its `source`, already read) as require() would, compiled through the code
 * cache when `cache` is given: its file if usable, else its seed. Only a cache V8 rejects (made
 * with other V8 flags) costs a compile; the file is then written for these flags, and being read
 * before the seed, it is what later runs use. A dynamic import() inside the file goes to Node's
 * own loader, but Node warns that this is experimental when it happens: the CLI bundle has none
 * (see build-cli.mjs).
 */
export function loadCommonJs<T>(file: string, source: string, cache?: CodeCacheFile): CommonJsModule<T> {
  let cachedData: Buffer | undefined;
  let candidate: "cache" | "seed" | "source" = "source";
  if (cache) {
    cachedData = readCodeCache(cache.file, cache.key);
    if (cachedData) candidate = "cache";
    else if (cache.seed && (cachedData = readCodeCache(cache.seed, cache.key))) candidate = "seed";
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const loadedFrom = script.cachedDataRejected === false ? candidate : "source";
  const module = { exports: {} as T };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  let pending = cache !== undefined && loadedFrom === "source";
  return {
    exports: module.exports,
    loadedFrom,
    saveCodeCache() {
      if (!pending || !cache) return;
      pending = false;
      let data: Buffer;
      try {
        data = script.createCachedData();
      } catch {
        return; // V8 could not serialize it: the next run compiles again
      }
      writeCodeCache(cache.file, cache.key, data);
    },
  };
}
