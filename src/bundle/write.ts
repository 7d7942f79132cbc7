/**
 * Turns artifacts into the out/ folder: node bundles with their SHA256SUMS, one tarball per node,
 * and a top-level SHA256SUMS. Written into a fresh sibling folder, then swapped in, so out/ is
 * either the complete new render or left untouched.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Artifact } from "../artifact.js";
import { MODE_FILE } from "../artifact.js";
import { sha256, sha256sums } from "./checksums.js";
import { buildManifest, MANIFEST_NAME, type ManifestInfo } from "./manifest.js";
import { assertSafeRelativePath, byPath, outPath } from "./layout.js";
import { timedAsync } from "../timings.js";
import { buildTarball, DIRECTORY_MODE, fixedMtime } from "./tarball.js";
import { checkOutputFolder, OWNER_MARKER, ownerMarker, type OutputContext } from "./ownership.js";
import { readRegularFile } from "../read-regular-file.js";

export interface OutputFile {
  /** Path below out/. */
  path: string;
  mode: number;
  content: string | Buffer;
}

/**
 * Everything that goes into out/, in path order: artifacts, per-node MANIFEST.json (when `info` is
 * given) and SHA256SUMS, tarballs, top SHA256SUMS. Each file is encoded and hashed once (the
 * manifest, the bundle's and the top SHA256SUMS share the digest), and the tarballs are compressed
 * concurrently on zlib's thread pool.
 */
export async function assembleOutput(
  artifacts: Artifact[],
  env: NodeJS.ProcessEnv = process.env,
  info?: ManifestInfo,
): Promise<OutputFile[]> {
  const digests = new Map<string, string>();
  const hashed = (file: OutputFile): OutputFile => {
    const content = contentBytes(file);
    digests.set(file.path, sha256(content));
    return { ...file, content };
  };
  const digestOf = (path: string): string => digests.get(path)!;
  const byNode = new Map<string, { artifact: Artifact; file: OutputFile }[]>();
  const files: OutputFile[] = [];
  for (const artifact of artifacts) {
    const path = outPath(artifact);
    if (digests.has(path)) throw new Error(`two artifacts want the same path: ${path}`);
    const file = hashed({ path, mode: artifact.mode, content: artifact.content });
    files.push(file);
    if (artifact.node !== undefined) {
      const list = byNode.get(artifact.node) ?? [];
      list.push({ artifact, file });
      byNode.set(artifact.node, list);
    }
  }
  const nodes = [...byNode.keys()].sort();
  const mtime = fixedMtime(env);
  const withSums: OutputFile[] = [...files];
  const tarballJobs: Promise<OutputFile>[] = [];
  for (const node of nodes) {
    const members = byNode.get(node)!;
    const bundleFiles = members.map((m) => m.file);
    if (info) {
      const manifest = hashed({
        path: `${node}/${MANIFEST_NAME}`,
        mode: MODE_FILE,
        content: buildManifest(
          node,
          info,
          members.map(({ artifact, file }) => ({
            path: artifact.path,
            mode: artifact.mode,
            sha256: digestOf(file.path),
            source: artifact.source,
            ...(artifact.template ? { template: artifact.template } : {}),
            secretKeys: artifact.secretKeys,
          })),
        ),
      });
      bundleFiles.push(manifest);
      withSums.push(manifest);
    }
    const sums = hashed({
      path: `${node}/SHA256SUMS`,
      mode: MODE_FILE,
      content: sha256sums(bundleFiles.map((f) => ({ path: f.path.slice(node.length + 1), sha256: digestOf(f.path) }))),
    });
    withSums.push(sums);
    tarballJobs.push(
      buildTarball([...bundleFiles, sums], mtime).then((tar) =>
        hashed({ path: `${node}.tar.gz`, mode: MODE_FILE, content: tar }),
      ),
    );
  }
  const all = [...withSums, ...(await Promise.all(tarballJobs))];
  all.push({
    path: "SHA256SUMS",
    mode: MODE_FILE,
    content: sha256sums(all.map((f) => ({ path: f.path, sha256: digestOf(f.path) }))),
  });
  return all.sort(byPath);
}

/** `render -o DIR` refused: DIR is not homegarden's to replace. Nothing was written or deleted. */
export class OutputFolderRefused extends Error {
  constructor(
    readonly folder: string,
    readonly why: string,
  ) {
    super(`${folder} ${why}`);
  }
}

/** A staging or replaced folder of a render next to `target`: `.NAME.new-HEX` or `.NAME.old-HEX`. */
function leftoverPattern(target: string): RegExp {
  const name = basename(target).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^\\.${name}\\.(new|old)-[0-9a-f]{12}$`);
}

/**
 * Removes the staging and replaced folders an interrupted render left next to `target` (they may
 * hold the secret): only folders by that name that are empty or carry the render marker.
 */
function removeLeftovers(target: string): void {
  const parent = dirname(target);
  const pattern = leftoverPattern(target);
  let names: string[];
  try {
    names = readdirSync(parent).filter((n) => pattern.test(n));
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(parent, name);
    const stats = lstatSync(path);
    if (!stats.isDirectory()) continue;
    const entries = readdirSync(path);
    if (entries.length === 0 || entries.includes(OWNER_MARKER)) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * With `render --node`: the other nodes' bundles and tarballs from the previous render, kept as
 * they are, with the new render's selected bundles and cluster files; the top SHA256SUMS covers
 * them all again.
 */
export function keepOtherNodes(
  files: OutputFile[],
  outDir: string,
  previous: string[],
  otherNodes: string[],
): OutputFile[] {
  const kept: OutputFile[] = [];
  for (const path of previous) {
    const node = nodeOfPath(path);
    if (node === undefined || !otherNodes.includes(node)) continue;
    const full = join(outDir, path);
    const read = readRegularFile(full, MAX_KEPT_FILE_BYTES);
    if (!read.ok) throw new Error(`${path} from the previous render ${read.why}`);
    kept.push({ path, mode: lstatSync(full).mode & 0o7777, content: read.content });
  }
  const merged = [...files.filter((f) => f.path !== "SHA256SUMS"), ...kept];
  merged.push({
    path: "SHA256SUMS",
    mode: MODE_FILE,
    content: sha256sums(merged.map((f) => ({ path: f.path, sha256: sha256(contentBytes(f)) }))),
  });
  return merged.sort(byPath);
}

/** The node a path of out/ belongs to: its bundle folder or its tarball; undefined for cluster files. */
function nodeOfPath(path: string): string | undefined {
  const [top, ...rest] = path.split("/");
  if (rest.length > 0) return top;
  return top.endsWith(".tar.gz") ? top.slice(0, -".tar.gz".length) : undefined;
}

/** No bundle file or tarball comes near this; a larger one in the previous render is not ours. */
const MAX_KEPT_FILE_BYTES = 256 * 1024 * 1024;

function contentBytes(file: OutputFile): Buffer {
  return typeof file.content === "string" ? Buffer.from(file.content, "utf8") : file.content;
}

/**
 * The output folder a render may write, or why not (OutputFolderRefused): see ownership.ts.
 * Returns the files of the previous render it holds.
 */
export function claimOutputFolder(outDir: string, context: OutputContext): string[] {
  const target = resolve(outDir);
  const verdict = checkOutputFolder(target, context);
  if (!verdict.ok) throw new OutputFolderRefused(outDir, verdict.why);
  return verdict.previous;
}

/**
 * Writes `files` as the new content of `outDir`, atomically replacing what was there, which must
 * be homegarden's own (claimOutputFolder; checked again here). The new render is staged in a
 * folder only its owner can read (it may hold the secret), marked as homegarden's, then swapped in.
 * Resolves once the previous content is deleted too (asynchronously: unlinks in parallel took about
 * half as long as one after another on a slow disk).
 */
export async function writeOutputAtomically(
  outDir: string,
  files: OutputFile[],
  context: OutputContext = { cwd: process.cwd() },
): Promise<void> {
  // Checked before anything is created: a path that could leave out/ stops the whole write.
  for (const file of files) assertSafeRelativePath(file.path);
  claimOutputFolder(outDir, context);
  const target = resolve(outDir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  removeLeftovers(target);
  const suffix = randomBytes(6).toString("hex");
  const staging = join(parent, `.${basename(target)}.new-${suffix}`);
  // With the umask cleared, every folder and file gets exactly its planned mode without a chmod.
  const umask = process.umask(0);
  try {
    mkdirSync(staging, { mode: STAGING_MODE });
    // The marker first: an interrupted render's staging folder is then recognisably ours.
    writeFileSync(join(staging, OWNER_MARKER), ownerMarker(files.map((f) => f.path)), { flag: "wx", mode: MODE_FILE });
    const made = new Set<string>();
    for (const file of files) {
      const path = join(staging, file.path);
      makeParents(dirname(path), staging, made);
      // "wx": never follow or overwrite anything that is already there (staging is new and ours).
      writeFileSync(path, file.content, { flag: "wx", mode: file.mode });
    }
    chmodSync(staging, DIRECTORY_MODE);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    process.umask(umask);
  }
  let previous: string | undefined;
  if (existsSync(target) || isDanglingLink(target)) {
    previous = join(parent, `.${basename(target)}.old-${suffix}`);
    renameSync(target, previous);
  }
  try {
    renameSync(staging, target);
  } catch (error) {
    if (previous) renameSync(previous, target);
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  // Timed apart from the write (npm run bench): on a slow disk, deleting the last render's files
  // costs about as much as writing the new ones.
  if (previous) await timedAsync("remove previous", () => rm(previous, { recursive: true, force: true }));
}

/** A staging folder may hold the secret until it is swapped in: its owner alone may enter it. */
const STAGING_MODE = 0o700;

/** Creates `dir` and its missing parents below `root`, each once per write. */
function makeParents(dir: string, root: string, made: Set<string>): void {
  if (dir === root || made.has(dir)) return;
  makeParents(dirname(dir), root, made);
  mkdirSync(dir, { mode: DIRECTORY_MODE });
  made.add(dir);
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
