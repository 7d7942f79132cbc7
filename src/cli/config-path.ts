import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { exampleConfigPath } from "../paths.js";

export const DEFAULT_CONFIG_FILE = "homegarden.config.ts";

/** The config to use: the argument, else ./homegarden.config.ts, else the built-in example. */
export function findConfig(argument: string | undefined, cwd = process.cwd()): { path: string; isExample: boolean } {
  if (argument) return { path: resolve(cwd, argument), isExample: false };
  const local = resolve(cwd, DEFAULT_CONFIG_FILE);
  if (existsSync(local)) return { path: local, isExample: false };
  return { path: exampleConfigPath, isExample: true };
}
