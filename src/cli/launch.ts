/**
 * What bin/homegarden runs (built into dist/launch.cjs): loads the command line, one CommonJS bundle
 * (dist/homegarden.cjs, built from main.ts), through V8's code cache, then runs it. Compiling the
 * bundle was most of the startup; the cache also keeps the functions a run compiled, so a run
 * compiles almost nothing. The cache is named by homegarden's version, a digest of the bundle,
 * Node's version and the architecture. The build leaves one in dist/code-cache/ (the seed); one in
 * the cache folder is written after a run that had to compile the bundle (no usable seed, e.g.
 * another Node or other V8 flags), and read first. HOMEGARDEN_NO_CACHE=1 uses neither.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { cacheDirFromEnv } from "../cache-dir.js";
import { codeCacheFile, loadCommonJs, type CodeCacheFile } from "../code-cache.js";
import { packageRoot } from "../paths.js";
import { VERSION } from "../version.js";
import type { run } from "./main.js";

export const BUNDLE_PATH = resolve(packageRoot, "dist", "homegarden.cjs");

/** The code cache for this bundle's bytes: its file in `cacheDir` and its seed. */
export function bundleCodeCache(cacheDir: string, bundle: Buffer): CodeCacheFile {
  const digest = createHash("sha256").update(bundle).digest("hex");
  return codeCacheFile(cacheDir, `homegarden-${VERSION}-${digest.slice(0, 16)}`, digest);
}

const USE = { cache: "hit", seed: "seed", source: "miss" } as const;

export async function launch(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const bundle = readFileSync(BUNDLE_PATH);
  const cacheDir = cacheDirFromEnv(env);
  const cli = loadCommonJs<{ run: typeof run }>(
    BUNDLE_PATH,
    bundle.toString("utf8"),
    cacheDir === undefined ? undefined : bundleCodeCache(cacheDir, bundle),
  );
  await cli.exports.run({ codeCache: cacheDir === undefined ? "off" : USE[cli.loadedFrom] });
  cli.saveCodeCache();
}
