/**
 * Where homegarden keeps what only makes it faster (type-check results, V8 code caches):
 * $HOMEGARDEN_CACHE_DIR, else $XDG_CACHE_HOME/homegarden, else $HOME/.cache/homegarden;
 * HOMEGARDEN_NO_CACHE=1 (or an environment with none of those) turns caching off.
 * The folder may be deleted at any time: the next run only takes longer.
 */
import { resolve } from "node:path";

/** The cache folder the environment asks for, or undefined when caching is off. */
export function cacheDirFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  if (env.HOMEGARDEN_NO_CACHE && env.HOMEGARDEN_NO_CACHE !== "0") return undefined;
  if (env.HOMEGARDEN_CACHE_DIR) return resolve(env.HOMEGARDEN_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return resolve(env.XDG_CACHE_HOME, "homegarden");
  if (env.HOME) return resolve(env.HOME, ".cache", "homegarden");
  return undefined;
}
