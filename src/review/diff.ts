/**
 * What a render would change in an existing output folder: added, removed and changed files, with
 * unified diffs for text and secrets masked on both sides. Reads the folder; writes nothing.
 */
import { createTwoFilesPatch } from "diff";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { OutputFile } from "../bundle/write.js";
import { maskSecrets, type Artifact } from "../render/artifact.js";
import { outPath } from "../bundle/layout.js";

export interface FileChange {
  path: string;
  kind: "added" | "removed" | "changed";
  /** Unified diff for text files (secrets masked); undefined for binary files. */
  patch?: string;
  /** True when the file differs only in masked secret values. */
  secretOnly?: boolean;
}

/** Every regular file below `dir`, by relative path; symlinks are reported as files that differ. */
export function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (!existsSync(dir)) return files;
  const walk = (d: string, prefix: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(d, entry.name);
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path, rel);
      else if (lstatSync(path).isSymbolicLink()) files.set(rel, Buffer.from(`symlink (not followed)`));
      else files.set(rel, readFileSync(path));
    }
  };
  walk(dir, "");
  return files;
}

function isText(content: Buffer): boolean {
  return !content.includes(0);
}

/** Compares the files a render would write with what `dir` holds now. */
export function diffOutput(rendered: OutputFile[], artifacts: Artifact[], dir: string): FileChange[] {
  const masking = new Map<string, { secrets: string[]; keys: string[] }>();
  const allSecrets = [...new Set(artifacts.flatMap((a) => a.secrets ?? []))];
  for (const a of artifacts) {
    if (a.secrets || a.secretKeys) masking.set(outPath(a), { secrets: a.secrets ?? [], keys: a.secretKeys ?? [] });
  }
  const mask = (path: string, text: string): string => {
    const m = masking.get(path);
    return maskSecrets(text, [...allSecrets, ...(m?.secrets ?? [])], m?.keys ?? []);
  };
  const existing = readTree(dir);
  const changes: FileChange[] = [];
  const newPaths = new Set(rendered.map((f) => f.path));
  for (const file of rendered) {
    const next = Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, "utf8");
    const previous = existing.get(file.path);
    if (previous?.equals(next)) continue;
    const kind = previous === undefined ? "added" : "changed";
    const textual = isText(next) && (previous === undefined || isText(previous));
    if (!textual) {
      changes.push({ path: file.path, kind });
      continue;
    }
    const before = mask(file.path, previous?.toString("utf8") ?? "");
    const after = mask(file.path, next.toString("utf8"));
    if (previous !== undefined && before === after) {
      changes.push({ path: file.path, kind, secretOnly: true });
      continue;
    }
    const patch = createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, before, after, undefined, undefined, {
      context: 3,
    });
    changes.push({ path: file.path, kind, patch });
  }
  for (const [path, content] of existing) {
    if (newPaths.has(path)) continue;
    const patch = isText(content)
      ? createTwoFilesPatch(`a/${path}`, `b/${path}`, mask(path, content.toString("utf8")), "", undefined, undefined)
      : undefined;
    changes.push({ path, kind: "removed", ...(patch !== undefined ? { patch } : {}) });
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
