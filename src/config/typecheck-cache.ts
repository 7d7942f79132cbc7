/**
 * Remembers which config sources passed the source checks (imports, types, default export), so an
 * unchanged config skips the compiler. The key is a SHA-256 of everything the outcome depends on:
 * the config text, homegarden's version, the compiler's version and options, and the source of the
 * types the config is checked against. An entry records only that the check passed: no config text,
 * no values, no secrets. Any change to the config gives a new key, so a changed config always re-checks.
 *
 * Location: see cache-dir.ts (HOMEGARDEN_CACHE_DIR, XDG_CACHE_HOME, HOME; HOMEGARDEN_NO_CACHE=1 turns it off).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDirFromEnv } from "../cache-dir.js";
import { VERSION } from "../version.js";
import type { ConfigPath } from "../diagnostics/diagnostic.js";
import { CHECK_COMPILER_OPTIONS, TYPE_SOURCES } from "./typecheck.js";
import { compilerVersion } from "./compiler.js";

export interface TypecheckCache {
  /** The cache folder (also holds the compiler's V8 code cache). */
  dir: string;
  /** The key for a config's source text. */
  keyFor(sourceText: string): string;
  /** Whether this key's source passed the checks before. */
  passed(key: string): boolean;
  /** Records that this key's source passed; never throws (a cache that cannot be written only costs speed). */
  recordPass(key: string): void;
  /** Where a finding at `path` of this passed source was placed before (line and column), if it was. */
  positionOf(key: string, path: ConfigPath): { line: number; column: number } | undefined;
  /** Remembers where a finding at `path` of this passed source goes; never throws. */
  recordPosition(key: string, path: ConfigPath, at: { line: number; column: number }): void;
}

/** A cache entry: the source passed the checks, and where findings in it were placed. */
interface Entry {
  typecheck: "passed";
  homegarden: string;
  /** JSON of a config path -> [line, column]. */
  positions?: Record<string, [number, number]>;
}

export { cacheDirFromEnv };

export function typecheckCacheFromEnv(env: NodeJS.ProcessEnv): TypecheckCache | undefined {
  const dir = cacheDirFromEnv(env);
  return dir === undefined ? undefined : openTypecheckCache(dir);
}

/** Everything besides the config text that decides whether a config type-checks, hashed once. */
function environmentDigest(): string {
  const hash = createHash("sha256");
  hash.update(`homegarden ${VERSION}\0compiler ${compilerVersion()}\0${JSON.stringify(CHECK_COMPILER_OPTIONS)}\0`);
  for (const file of TYPE_SOURCES) hash.update(`${file}\0`).update(readFileSync(file)).update("\0");
  return hash.digest("hex");
}

export function openTypecheckCache(dir: string): TypecheckCache {
  const entries = join(dir, "typecheck");
  let digest: string | undefined;
  const entryPath = (key: string): string => join(entries, `${key}.json`);
  return {
    dir,
    keyFor(sourceText) {
      digest ??= environmentDigest();
      return createHash("sha256").update(digest).update("\0").update(sourceText).digest("hex");
    },
    passed(key) {
      return existsSync(entryPath(key));
    },
    recordPass(key) {
      write(key, { typecheck: "passed", homegarden: VERSION });
    },
    positionOf(key, path) {
      const at = read(key)?.positions?.[JSON.stringify(path)];
      return at ? { line: at[0], column: at[1] } : undefined;
    },
    recordPosition(key, path, { line, column }) {
      const entry = read(key);
      if (!entry) return;
      write(key, { ...entry, positions: { ...entry.positions, [JSON.stringify(path)]: [line, column] } });
    },
  };

  function read(key: string): Entry | undefined {
    try {
      const entry = JSON.parse(readFileSync(entryPath(key), "utf8")) as Entry;
      return entry.typecheck === "passed" ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  function write(key: string, entry: Entry): void {
    try {
      mkdirSync(entries, { recursive: true, mode: 0o700 });
      const temp = `${entryPath(key)}.${process.pid}.tmp`;
      writeFileSync(temp, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
      renameSync(temp, entryPath(key));
    } catch {
      // Read-only or full: the next run checks (or places) again.
    }
  }
}
