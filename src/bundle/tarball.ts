/** Reproducible .tar.gz of one bundle: sorted entries, fixed mtime, uid/gid 0, explicit modes. */
import { TarArchive } from "archiver";

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

export async function buildTarball(files: TarFile[], mtime: Date): Promise<Buffer> {
  const directories = new Set<string>();
  for (const file of files) {
    const parts = file.path.split("/");
    for (let i = 1; i < parts.length; i += 1) directories.add(`${parts.slice(0, i).join("/")}/`);
  }
  const entries = [
    ...[...directories].map((name) => ({
      name,
      mode: DIRECTORY_MODE,
      content: undefined as string | Buffer | undefined,
    })),
    ...files.map((f) => ({ name: f.path, mode: f.mode, content: f.content as string | Buffer | undefined })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const archive = new TarArchive({ gzip: true, gzipOptions: { level: 9 } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    archive.on("data", (chunk: Buffer) => chunks.push(chunk));
    archive.on("end", () => resolve(Buffer.concat(chunks)));
    archive.on("error", reject);
    archive.on("warning", reject);
  });
  for (const entry of entries) {
    if (entry.content === undefined) {
      archive.append(Buffer.alloc(0), { name: entry.name, type: "directory", mode: entry.mode, date: mtime });
    } else {
      archive.append(Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content, "utf8"), {
        name: entry.name,
        mode: entry.mode,
        date: mtime,
      });
    }
  }
  await archive.finalize();
  return done;
}
