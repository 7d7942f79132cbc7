/**
 * Reproducible .tar.gz of one bundle, written by archiver (tar-stream's ustar, zlib's gzip): sorted
 * entries, fixed mtime, uid/gid 0, explicit modes, directories 0755; gzip -6 without name or time.
 */
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import { timedAsync } from "../timings.js";

const gzip = promisify(gzipCallback);

export interface TarFile {
  /** Path inside the archive, e.g. "pivoine/run.sh". */
  path: string;
  mode: number;
  content: string | Buffer;
}

export const DIRECTORY_MODE = 0o755;

/** The fixed mtime: SOURCE_DATE_EPOCH when set (reproducible-builds.org), else the epoch. */
export function fixedMtime(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  const seconds = epoch !== undefined && /^[0-9]+$/.test(epoch) ? Number(epoch) : 0;
  return new Date(seconds * 1000);
}

let archiver: Promise<typeof import("archiver")> | undefined;
/** archiver, loaded on first use (only render writes tarballs), timed as its own phase. */
function loadArchiver(): Promise<typeof import("archiver")> {
  archiver ??= timedAsync("archiver load", () => import("archiver"));
  return archiver;
}

export async function buildTarball(files: TarFile[], mtime: Date): Promise<Buffer> {
  const directories = new Set<string>();
  for (const file of files) {
    const parts = file.path.split("/");
    for (let i = 1; i < parts.length; i += 1) directories.add(`${parts.slice(0, i).join("/")}/`);
  }
  const entries = [
    ...[...directories].map((name) => ({ name, mode: DIRECTORY_MODE, content: Buffer.alloc(0) as string | Buffer })),
    ...files.map((f) => ({ name: f.path, mode: f.mode, content: f.content })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) assertUstarName(e.name);
  const { TarArchive } = await loadArchiver();
  const archive = new TarArchive();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    archive.on("data", (chunk: Buffer) => chunks.push(chunk));
    archive.on("end", () => resolve(Buffer.concat(chunks)));
    archive.on("error", reject);
    archive.on("warning", reject);
  });
  for (const e of entries) {
    const content = typeof e.content === "string" ? Buffer.from(e.content, "utf8") : e.content;
    archive.append(content, { name: e.name, mode: e.mode, date: mtime });
  }
  await archive.finalize();
  // Compressed in one call on zlib's thread pool, so the bundles of a cluster compress in parallel
  // (archiver's own gzip stream took twice as long). zlib's default level: level 9 took 2.6 times
  // as long for 1.6 % smaller bundles.
  return gzip(await done, { level: 6 });
}

/**
 * Only names plain ustar holds (printable ASCII; at most 100 bytes after a split at a slash into a
 * prefix of at most 155, as tar-stream splits them): a longer name would need a pax header, which
 * not every tar reads.
 */
function assertUstarName(path: string): void {
  if (!/^[\x21-\x7e]+$/.test(path)) throw new Error(`tar entry name must be printable ASCII: ${JSON.stringify(path)}`);
  let name = path;
  let prefix = "";
  while (name.length > 100) {
    const slash = name.indexOf("/");
    if (slash === -1) break;
    prefix += prefix ? `/${name.slice(0, slash)}` : name.slice(0, slash);
    name = name.slice(slash + 1);
  }
  if (name.length > 100 || prefix.length > 155) throw new Error(`tar entry name too long: ${path}`);
}
