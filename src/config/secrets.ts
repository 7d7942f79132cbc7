/**
 * Resolves secret references at render time, on the host, after the config was evaluated: config
 * code never sees a secret. Secret values never enter the plan, and no message carries a secret's
 * content or length.
 */
import { resolve, dirname } from "node:path";
import { NO_SUCH_FILE, readRegularFile } from "../read-regular-file.js";
import type { SecretSource } from "./types.js";

/** `absent`: the variable is unset or the file does not exist (not: unreadable, not a regular file, too large). */
export type SecretResult = { ok: true; value: string } | { ok: false; why: string; absent: boolean };

/** A secret is a password or a token: a few KiB at most. */
export const MAX_SECRET_FILE_BYTES = 4096;

export function resolveSecret(
  source: SecretSource,
  configFile: string,
  env: NodeJS.ProcessEnv = process.env,
): SecretResult {
  if ("env" in source) {
    const value = env[source.env];
    if (value === undefined || value === "")
      return { ok: false, why: `environment variable ${source.env} is not set`, absent: true };
    return { ok: true, value };
  }
  const read = readRegularFile(resolve(dirname(configFile), source.file), MAX_SECRET_FILE_BYTES);
  if (!read.ok) return { ok: false, why: `file ${source.file}: ${read.why}`, absent: read.why === NO_SUCH_FILE };
  return { ok: true, value: read.content.toString("utf8").replace(/\r?\n$/, "") };
}
