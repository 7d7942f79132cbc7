import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root: works from src/ (tests) and from dist/ (the CLI), both one level below it. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const templatesDir = resolve(packageRoot, "templates");
export const exampleConfigPath = resolve(packageRoot, "examples", "homegarden.config.ts");
/** V8 code caches made when homegarden is built (scripts/seed-code-cache.mjs): read-only seeds of the cache folder's. */
export const codeCacheSeedDir = resolve(packageRoot, "dist", "code-cache");
/** The lib files a config type-check reads, extracted from ts-morph's TypeScript by the build. */
export const libFilesPath = resolve(packageRoot, "dist", "ts-lib-files.json");
