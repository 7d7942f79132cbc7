/**
 * Which folders `render -o DIR` may replace: only one that is absent, empty, or a previous
 * homegarden render. A render is recognised by the marker file it writes (OWNER_MARKER), which
 * lists every file of that render, and is checked against that list: a folder that holds anything
 * else is not homegarden's to delete. Folders a render must never replace (the file system root,
 * the home folder, the working folder and its ancestors, the config's folder and its ancestors)
 * are refused whatever they hold. Nothing here writes.
 */
import { lstatSync, readdirSync, readlinkSync, realpathSync, type Stats } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, parse, relative, resolve, sep } from "node:path";
import { readRegularFile } from "../read-regular-file.js";
import { printable } from "../diagnostics/catalogue.js";

/** The file every render writes at the top of its output folder. */
export const OWNER_MARKER = ".homegarden-render";
const MARKER_HEADER = "homegarden render: this folder is replaced as a whole by the next render; files:";
/** A marker lists file paths only; a render of 1,024 nodes lists far fewer bytes than this. */
const MAX_MARKER_BYTES = 64 * 1024 * 1024;

/** The marker's text: a header line, then every file of the render (marker excluded), sorted. */
export function ownerMarker(paths: string[]): string {
  return `${MARKER_HEADER}\n${[...paths].sort().join("\n")}\n`;
}

export interface OutputContext {
  cwd: string;
  /** The config module's folder. */
  configDir?: string;
  home?: string;
}

export type OutputVerdict =
  /** `previous` lists the files of the previous render that DIR holds (absent or empty: none). */
  { ok: true; previous: string[] } | { ok: false; why: string };

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** True when `folder` is `path` or one of its ancestors. */
function isSameOrAncestor(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return !isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${sep}`);
}

/** Every entry below `dir` (files, folders, links and the rest), as relative paths, never following a link. */
function listTree(dir: string): { files: string[]; others: string[] } {
  const files: string[] = [];
  const others: string[] = [];
  const walk = (d: string, prefix: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(d, entry.name), rel);
      else if (entry.isFile()) files.push(rel);
      else others.push(rel);
    }
  };
  walk(dir, "");
  return { files, others };
}

/** Where a protected folder is, for the refusal. */
function protectedRole(real: string, context: OutputContext): string | undefined {
  if (real === parse(real).root) return "the file system root";
  const home = context.home ?? homedir();
  if (home && real === safeRealpath(home)) return "your home folder";
  if (isSameOrAncestor(real, safeRealpath(context.cwd))) return "the working folder or one of its parents";
  if (context.configDir && isSameOrAncestor(real, safeRealpath(context.configDir))) {
    return "the config module's folder or one of its parents";
  }
  return undefined;
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** May a render replace `target`? Says what it found when not. */
export function checkOutputFolder(target: string, context: OutputContext): OutputVerdict {
  const stats = lstatOrUndefined(target);
  if (stats === undefined) {
    // Absent: its real place is checked too (`-o sub/..` style paths, or a parent that is a link).
    const role = protectedRole(resolve(safeRealpath(join(target, "..")), parse(target).base), context);
    return role ? { ok: false, why: `is ${role}` } : { ok: true, previous: [] };
  }
  if (stats.isSymbolicLink()) {
    let to = "";
    try {
      to = ` (to ${printable(readlinkSync(target))})`;
    } catch {
      // unreadable link: named without its target
    }
    return { ok: false, why: `is a symlink${to}: name the real folder, so that nothing outside it is replaced` };
  }
  if (!stats.isDirectory()) return { ok: false, why: "is a file, not a folder" };
  const role = protectedRole(safeRealpath(target), context);
  if (role) return { ok: false, why: `is ${role}` };
  const { files, others } = listTree(target);
  if (others.length > 0) {
    return {
      ok: false,
      why: `holds ${printable(others.sort()[0])}, which is not a regular file: homegarden did not write it`,
    };
  }
  if (files.length === 0) return { ok: true, previous: [] };
  if (!files.includes(OWNER_MARKER)) {
    return {
      ok: false,
      why: `holds files homegarden did not write (e.g. ${printable(files.sort()[0])}) and no ${OWNER_MARKER} marker: empty it or choose another folder`,
    };
  }
  const marker = readRegularFile(join(target, OWNER_MARKER), MAX_MARKER_BYTES);
  const lines = marker.ok ? marker.content.toString("utf8").split("\n") : [];
  if (lines[0] !== MARKER_HEADER) return { ok: false, why: `has a ${OWNER_MARKER} that is not homegarden's marker` };
  const listed = new Set(lines.slice(1).filter((l) => l !== ""));
  const foreign = files.filter((f) => f !== OWNER_MARKER && !listed.has(f)).sort();
  if (foreign.length > 0) {
    return {
      ok: false,
      why: `holds ${foreign.length} file(s) the previous render did not write (e.g. ${printable(foreign[0])}): move them out first`,
    };
  }
  return { ok: true, previous: files.filter((f) => f !== OWNER_MARKER).sort() };
}
