/** Resolves secret references at render time. Secret values never enter the plan. */
import { readFileSync } from "node:fs";
import { resolve, dirname } from "node:path";
import type { SecretSource } from "./types.js";

export type SecretResult = { ok: true; value: string } | { ok: false; why: string };

export function resolveSecret(
  source: SecretSource,
  configFile: string,
  env: NodeJS.ProcessEnv = process.env,
): SecretResult {
  if ("env" in source) {
    const value = env[source.env];
    if (value === undefined || value === "") return { ok: false, why: `environment variable ${source.env} is not set` };
    return { ok: true, value };
  }
  const path = resolve(dirname(configFile), source.file);
  try {
    return { ok: true, value: readFileSync(path, "utf8").replace(/\r?\n$/, "") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return { ok: false, why: `file ${source.file} cannot be read (${code})` };
  }
}
