/**
 * Turns artifacts into the out/ folder: node bundles with their SHA256SUMS, one tarball per node,
 * and a top-level SHA256SUMS. Written into a fresh sibling folder, then swapped in, so out/ is
 * either the complete new render or left untouched.
 */
import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Artifact } from "../render/artifact.js";
import { MODE_FILE } from "../render/artifact.js";
import { sha256, sha256sums } from "./checksums.js";
import { buildManifest, MANIFEST_NAME, type ManifestInfo } from "./manifest.js";
import { assertSafeRelativePath, outPath } from "./layout.js";
import { timedAsync } from "../timings.js";
import { buildTarball, DIRECTORY_MODE, fixedMtime } from "./tarball.js";

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
    const content = typeof file.content === "string" ? Buffer.from(file.content, "utf8") : file.content;
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
  return all.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Writes `files` as the new content of `outDir`, atomically replacing what was there. Resolves once
 * the previous content is deleted too (asynchronously: unlinks in parallel took about half as long
 * as one after another on a slow disk).
 */
export async function writeOutputAtomically(outDir: string, files: OutputFile[]): Promise<void> {
  // Checked before anything is created: a path that could leave out/ stops the whole write.
  for (const file of files) assertSafeRelativePath(file.path);
  const target = resolve(outDir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const suffix = randomBytes(6).toString("hex");
  const staging = join(parent, `.${basename(target)}.new-${suffix}`);
  // With the umask cleared, every folder and file gets exactly its planned mode without a chmod.
  const umask = process.umask(0);
  try {
    mkdirSync(staging, { mode: DIRECTORY_MODE });
    const made = new Set<string>();
    for (const file of files) {
      const path = join(staging, file.path);
      makeParents(dirname(path), staging, made);
      // "wx": never follow or overwrite anything that is already there (staging is new and ours).
      writeFileSync(path, file.content, { flag: "wx", mode: file.mode });
    }
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
