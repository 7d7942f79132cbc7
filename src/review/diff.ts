/**
 * What a render would change in an existing output folder: added, removed and changed files, with
 * unified diffs for text and secrets masked on both sides. Reads the folder; writes nothing.
 */
import { createTwoFilesPatch } from "diff";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readRegularFile } from "../read-regular-file.js";
import type { OutputFile } from "../bundle/write.js";
import { maskSecrets, type Artifact } from "../artifact.js";
import { byPath, outPath } from "../bundle/layout.js";

export interface FileChange {
  path: string;
  kind: "added" | "removed" | "changed";
  /** Unified diff for text files (secrets masked); undefined for binary files. */
  patch?: string;
  /** True when the file differs only in masked secret values. */
  secretOnly?: boolean;
}

/** No file of a render comes near this size; a larger one is reported, not read. */
export const MAX_TREE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Every file below `dir`, by relative path. Only regular files are read (never following a link,
 * never opening a FIFO or a device, none past MAX_TREE_FILE_BYTES); anything else stands as a
 * one-line note of what it is, so that it shows as a difference instead of hanging or filling memory.
 */
export function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (!existsSync(dir)) return files;
  const walk = (d: string, prefix: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(d, entry.name);
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path, rel);
      else if (entry.isSymbolicLink()) files.set(rel, Buffer.from("(a symlink: not followed)\n"));
      else if (!entry.isFile()) files.set(rel, Buffer.from("(not a regular file: not read)\n"));
      else {
        const read = readRegularFile(path, MAX_TREE_FILE_BYTES);
        files.set(rel, read.ok ? read.content : Buffer.from(`(not read: ${read.why})\n`));
      }
    }
  };
  walk(dir, "");
  return files;
}

function isText(content: Buffer): boolean {
  return !content.includes(0);
}

/** Compares the files a render would write with what a previous render holds now (`readTree`, or a tarball's entries). */
export function diffOutput(rendered: OutputFile[], artifacts: Artifact[], existing: Map<string, Buffer>): FileChange[] {
  const masking = new Map<string, { secrets: string[]; keys: string[] }>();
  const allSecrets = [...new Set(artifacts.flatMap((a) => a.secrets ?? []))];
  for (const a of artifacts) {
    if (a.secrets || a.secretKeys) masking.set(outPath(a), { secrets: a.secrets ?? [], keys: a.secretKeys ?? [] });
  }
  const mask = (path: string, text: string): string => {
    const m = masking.get(path);
    return maskSecrets(text, [...allSecrets, ...(m?.secrets ?? [])], m?.keys ?? []);
  };
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
  return changes.sort(byPath);
}
