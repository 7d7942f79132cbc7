/**
 * Reads a file that the user names (a config module, a secret, a vendored keyring or package, a
 * tarball to verify) without trusting what it is: opened without blocking (so a FIFO cannot hang
 * the process), checked to be a regular file after symlinks are followed (so a device such as
 * /dev/zero cannot fill memory), and refused past a size limit before a byte is read.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

export const NO_SUCH_FILE = "no such file";

export type RegularFileResult = { ok: true; content: Buffer } | { ok: false; why: string };

/** What a non-regular file is, in words. */
function kindOf(stats: import("node:fs").Stats): string {
  if (stats.isDirectory()) return "a folder";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}

/** Why a file could not be opened, from its errno code, without the path or any content. */
function openProblem(code: string | undefined): string {
  switch (code) {
    case "ENOENT":
      return NO_SUCH_FILE;
    case "EACCES":
    case "EPERM":
      return "cannot be read (permission denied)";
    case "ENXIO":
      return "is a socket or a device without a reader, not a regular file";
    case "ELOOP":
      return "is a symlink loop";
    case "ENOTDIR":
      return "has a path through something that is not a folder";
    default:
      return `cannot be read (${code ?? "unknown error"})`;
  }
}

export function readRegularFile(path: string, maxBytes: number): RegularFileResult {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    return { ok: false, why: openProblem((error as NodeJS.ErrnoException).code) };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { ok: false, why: `is ${kindOf(stats)}, not a regular file` };
    if (stats.size > maxBytes) return { ok: false, why: `is larger than the limit of ${maxBytes} bytes` };
    // One byte more than fstat said: a file that grew since then fills it and is refused.
    const buffer = Buffer.alloc(stats.size + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) return { ok: false, why: "changed while it was read" };
    }
    return { ok: true, content: buffer.subarray(0, length) };
  } catch (error) {
    return { ok: false, why: openProblem((error as NodeJS.ErrnoException).code) };
  } finally {
    closeSync(fd);
  }
}
