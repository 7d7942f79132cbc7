/**
 * Turns artifacts into the out/ folder: node bundles with their SHA256SUMS, one tarball per node,
 * and a top-level SHA256SUMS. Written into a fresh sibling folder, then swapped in, so out/ is
 * either the complete new render or left untouched.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Artifact } from "../render/artifact.js";
import { MODE_FILE } from "../render/artifact.js";
import { sha256sums } from "./checksums.js";
import { buildManifest, MANIFEST_NAME, type ManifestInfo } from "./manifest.js";
import { assertSafeRelativePath, outPath } from "./layout.js";
import { buildTarball, fixedMtime } from "./tarball.js";

export interface OutputFile {
  /** Path below out/. */
  path: string;
  mode: number;
  content: string | Buffer;
}

/**
 * Everything that goes into out/, in path order: artifacts, per-node MANIFEST.json (when `info` is
 * given) and SHA256SUMS, tarballs, top SHA256SUMS.
 */
export async function assembleOutput(
  artifacts: Artifact[],
  env: NodeJS.ProcessEnv = process.env,
  info?: ManifestInfo,
): Promise<OutputFile[]> {
  const files: OutputFile[] = artifacts.map((a) => ({ path: outPath(a), mode: a.mode, content: a.content }));
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`two artifacts want the same path: ${f.path}`);
    seen.add(f.path);
  }
  const nodes = [...new Set(artifacts.flatMap((a) => (a.node !== undefined ? [a.node] : [])))].sort();
  const mtime = fixedMtime(env);
  const withSums: OutputFile[] = [...files];
  const tarballs: OutputFile[] = [];
  for (const node of nodes) {
    const bundleFiles = files.filter((f) => f.path.startsWith(`${node}/`));
    if (info) {
      const manifest: OutputFile = {
        path: `${node}/${MANIFEST_NAME}`,
        mode: MODE_FILE,
        content: buildManifest(
          node,
          info,
          artifacts
            .filter((a) => a.node === node)
            .map((a) => ({
              path: a.path,
              mode: a.mode,
              content: a.content,
              source: a.source,
              secretKeys: a.secretKeys,
            })),
        ),
      };
      bundleFiles.push(manifest);
      withSums.push(manifest);
    }
    const sums: OutputFile = {
      path: `${node}/SHA256SUMS`,
      mode: MODE_FILE,
      content: sha256sums(bundleFiles.map((f) => ({ path: f.path.slice(node.length + 1), content: f.content }))),
    };
    withSums.push(sums);
    const tar = await buildTarball([...bundleFiles, sums], mtime);
    tarballs.push({ path: `${node}.tar.gz`, mode: MODE_FILE, content: tar });
  }
  const all = [...withSums, ...tarballs];
  all.push({ path: "SHA256SUMS", mode: MODE_FILE, content: sha256sums(all) });
  return all.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Writes `files` as the new content of `outDir`, atomically replacing what was there. */
export function writeOutputAtomically(outDir: string, files: OutputFile[]): void {
  // Checked before anything is created: a path that could leave out/ stops the whole write.
  for (const file of files) assertSafeRelativePath(file.path);
  const target = resolve(outDir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const suffix = randomBytes(6).toString("hex");
  const staging = join(parent, `.${basename(target)}.new-${suffix}`);
  mkdirSync(staging, { mode: 0o755 });
  try {
    for (const file of files) {
      const path = join(staging, file.path);
      mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
      // "wx": never follow or overwrite anything that is already there (staging is new and ours).
      writeFileSync(path, file.content, { flag: "wx", mode: file.mode });
      chmodSync(path, file.mode);
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
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
  if (previous) rmSync(previous, { recursive: true, force: true });
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
