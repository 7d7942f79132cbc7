/**
 * What bin/homegarden runs (built into dist/launch.cjs): loads the command line, one CommonJS bundle
 * (dist/homegarden.cjs, built from main.ts), through V8's code cache kept in the cache folder, then
 * runs it. Compiling the bundle was most of the startup; the cache also keeps the functions a run
 * compiled, so the next run compiles almost nothing. The cache file is named by homegarden's
 * version, a digest of the bundle, Node's version and the architecture, and is written after the
 * first run of each (only when it was absent or unusable). HOMEGARDEN_NO_CACHE=1 loads the bundle
 * without it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { cacheDirFromEnv } from "../cache-dir.js";
import { loadCommonJs, type CodeCacheFile } from "../code-cache.js";
import { packageRoot } from "../paths.js";
import { VERSION } from "../version.js";
import type { run } from "./main.js";

export const BUNDLE_PATH = resolve(packageRoot, "dist", "homegarden.cjs");

/** The code cache file for this bundle's bytes in `cacheDir`. */
export function bundleCodeCache(cacheDir: string, bundle: Buffer): CodeCacheFile {
  const digest = createHash("sha256").update(bundle).digest("hex");
  return {
    file: join(cacheDir, `homegarden-${VERSION}-${digest.slice(0, 16)}-node${process.version}-${process.arch}.v8`),
    key: digest,
  };
}

export async function launch(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const bundle = readFileSync(BUNDLE_PATH);
  const cacheDir = cacheDirFromEnv(env);
  const cli = loadCommonJs<{ run: typeof run }>(
    BUNDLE_PATH,
    bundle.toString("utf8"),
    cacheDir === undefined ? undefined : bundleCodeCache(cacheDir, bundle),
  );
  await cli.exports.run({ codeCache: cacheDir === undefined ? "off" : cli.fromCache ? "hit" : "miss" });
  cli.saveCodeCache();
}
