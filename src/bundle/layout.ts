/** Where each artifact lands in out/, with the guarantee that no path can leave its bundle. */
import type { Artifact } from "../artifact.js";

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.+@-]*$/;

export class UnsafePathError extends Error {}

/** Checks one relative path: no absolute path, no "..", no empty or hidden-dot segment, no odd characters. */
export function assertSafeRelativePath(path: string): void {
  if (path.includes("\0") || path.startsWith("/") || path.includes("\\"))
    throw new UnsafePathError(`unsafe output path: ${JSON.stringify(path)}`);
  for (const segment of path.split("/")) {
    if (!SEGMENT.test(segment))
      throw new UnsafePathError(`unsafe output path segment ${JSON.stringify(segment)} in ${JSON.stringify(path)}`);
  }
}

/** The artifact's path below out/: "<node>/<path>" for bundle files, "<path>" for cluster files. */
export function outPath(artifact: Artifact): string {
  if (artifact.node !== undefined) {
    // A bundle is one folder directly in out/: its name is a single segment.
    assertSafeRelativePath(artifact.node);
    if (artifact.node.includes("/")) throw new UnsafePathError(`unsafe bundle name: ${JSON.stringify(artifact.node)}`);
  }
  assertSafeRelativePath(artifact.path);
  return artifact.node !== undefined ? `${artifact.node}/${artifact.path}` : artifact.path;
}

/** Orders out/ entries by path, as every listing homegarden writes is ordered. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
