/** Writes variants of the example config module into temp folders. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exampleConfigPath } from "../../src/paths.js";
import { tempDir } from "./render.js";

export const EXAMPLE_SOURCE = readFileSync(exampleConfigPath, "utf8");

/** A copy of the example with `from` replaced by `to` (which must occur exactly once). */
export function exampleWith(from: string, to: string): string {
  const parts = EXAMPLE_SOURCE.split(from);
  if (parts.length !== 2) throw new Error(`"${from}" occurs ${parts.length - 1} times in the example, not once`);
  return parts.join(to);
}

/** Writes `source` as homegarden.config.ts in a new temp folder; returns the folder and the file. */
export function writeConfig(source: string): { dir: string; file: string } {
  const dir = tempDir("homegarden-config-");
  const file = join(dir, "homegarden.config.ts");
  writeFileSync(file, source);
  return { dir, file };
}

/** 1-based line of the first occurrence of `needle` in `source`. */
export function lineOf(source: string, needle: string): number {
  const index = source.indexOf(needle);
  if (index < 0) throw new Error(`"${needle}" not in source`);
  return source.slice(0, index).split("\n").length;
}
