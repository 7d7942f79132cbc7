/**
 * Reads a bundle tarball (.tar.gz, ustar with pax path records) in memory, for checking it without
 * extracting it. A tarball has travelled between machines, so nothing in it is trusted: the
 * compressed and uncompressed sizes are capped before memory is spent on them (a gzip bomb stops
 * at the cap), every header's checksum and size are checked, and only regular files and folders
 * with paths that stay below one folder are accepted. Every problem is a sentence naming the entry.
 */
import { gunzipSync } from "node:zlib";
import { readRegularFile } from "../read-regular-file.js";

export interface TarEntry {
  name: string;
  mode: number;
  type: "file" | "directory";
  content: Buffer;
}

/**
 * The largest bundle tarball homegarden writes is a few hundred KiB (a node of a 256-node ring):
 * a tarball may be 16 MiB and unpack to 64 MiB, far above any bundle and far below any harm.
 */
export const MAX_TARBALL_BYTES = 16 * 1024 * 1024;
export const MAX_UNPACKED_BYTES = 64 * 1024 * 1024;

export type TarballRead = { ok: true; entries: TarEntry[] } | { ok: false; problem: string };

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString("utf8");
}

/** An octal header number, or NaN when the field holds anything else. */
function octal(block: Buffer, offset: number, length: number): number {
  const text = field(block, offset, length).trim();
  if (text === "") return 0;
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : NaN;
}

/** ustar's header checksum: the byte sum with the checksum field read as spaces. */
function checksumOk(header: Buffer): boolean {
  const stored = octal(header, 148, 8);
  let sum = 0;
  for (let i = 0; i < 512; i += 1) sum += i >= 148 && i < 156 ? 32 : header[i];
  return stored === sum;
}

function paxPath(content: Buffer): string | undefined {
  for (const record of content.toString("utf8").split("\n")) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) return match[1];
  }
  return undefined;
}

const ENTRY_KINDS: Record<string, string> = {
  "1": "a hard link",
  "2": "a symlink",
  "3": "a character device",
  "4": "a block device",
  "6": "a FIFO",
  "7": "a contiguous file",
  L: "a GNU long-name record",
  K: "a GNU long-link record",
  g: "a global pax header",
};

/** A path that stays below the tarball's top folder: relative, no `..`, no empty or odd segment. */
function safeEntryPath(name: string): boolean {
  if (name === "" || name.startsWith("/") || /[\0\\]/.test(name)) return false;
  const parts = name.replace(/\/$/, "").split("/");
  return parts.every((p) => p !== "" && p !== "." && p !== "..");
}

/** Why gunzip failed, in words (zlib's codes, not its messages). */
function gunzipProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) {
    return `unpacks to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MiB, far more than any bundle (a gzip bomb?)`;
  }
  if (code === "Z_BUF_ERROR") return "is cut short: the gzip data ends early";
  if (code === "Z_DATA_ERROR") return "is not gzip data (or the gzip data is damaged)";
  return "cannot be unpacked as gzip";
}

export function readTarGz(data: Buffer): TarballRead {
  let tar: Buffer;
  try {
    tar = gunzipSync(data, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (error) {
    return { ok: false, problem: gunzipProblem(error) };
  }
  const entries: TarEntry[] = [];
  let offset = 0;
  let nextName: string | undefined;
  for (;;) {
    if (offset + 512 > tar.length) return { ok: false, problem: "is cut short: the tar data has no end marker" };
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const shownName = nextName ?? field(header, 0, 100);
    if (!checksumOk(header))
      return { ok: false, problem: `entry ${shownName || `at byte ${offset}`}: damaged tar header` };
    const size = octal(header, 124, 12);
    if (!Number.isSafeInteger(size)) return { ok: false, problem: `entry ${shownName}: damaged size field` };
    const start = offset + 512;
    if (start + size > tar.length)
      return { ok: false, problem: `entry ${shownName}: cut short (${size} bytes declared)` };
    const typeflag = String.fromCharCode(header[156] || 48);
    const content = tar.subarray(start, start + size);
    offset = start + Math.ceil(size / 512) * 512;
    if (typeflag === "x") {
      nextName = paxPath(content);
      continue;
    }
    const prefix = field(header, 345, 155);
    const baseName = field(header, 0, 100);
    const name = nextName ?? (prefix ? `${prefix}/${baseName}` : baseName);
    nextName = undefined;
    if (typeflag !== "0" && typeflag !== "5") {
      return {
        ok: false,
        problem: `entry ${name}: is ${ENTRY_KINDS[typeflag] ?? `of unknown type "${typeflag}"`}, which no bundle holds`,
      };
    }
    if (!safeEntryPath(name))
      return { ok: false, problem: `entry ${JSON.stringify(name)}: its path leaves the bundle folder` };
    entries.push({
      name,
      mode: octal(header, 100, 8) & 0o7777,
      type: typeflag === "0" ? "file" : "directory",
      content,
    });
  }
  return { ok: true, entries };
}

/** Reads a tarball file (a regular file, within MAX_TARBALL_BYTES) and its entries. */
export function readTarGzFile(path: string): TarballRead {
  const read = readRegularFile(path, MAX_TARBALL_BYTES);
  if (!read.ok) return { ok: false, problem: read.why };
  return readTarGz(read.content);
}
