/**
 * Checks a bundle tarball on its own (its MANIFEST.json and SHA256SUMS agree with its files and
 * modes) and against a reviewed render folder (golden files, or a render of the same config):
 * every file equal once secrets are masked on both sides.
 */
import { join } from "node:path";
import * as v from "valibot";
import { sha256 } from "../bundle/checksums.js";
import { MANIFEST_NAME, modeString } from "../bundle/manifest.js";
import { maskSecrets } from "../artifact.js";
import { readTree } from "./diff.js";
import { readTarGz, readTarGzFile, type TarballRead } from "./tarball.js";

/** What of a MANIFEST.json the check reads (more fields may be there). */
const manifestFile = v.looseObject({
  path: v.string(),
  sha256: v.string(),
  mode: v.string(),
  maskedKeys: v.optional(v.array(v.string())),
});
const manifestSchema = v.looseObject({ node: v.string(), files: v.array(v.unknown()) });

export interface TarballReport {
  node: string;
  problems: string[];
  checkedFiles: number;
}

type ManifestFile = v.InferOutput<typeof manifestFile>;

/** MANIFEST.json as a tarball may carry it: every field checked before it is used. */
function parseManifest(text: string): { node: string; files: ManifestFile[] } | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `${MANIFEST_NAME} is not JSON`;
  }
  const manifest = v.safeParse(manifestSchema, value);
  if (!manifest.success) return `${MANIFEST_NAME} is not a bundle manifest (no "node" and "files")`;
  const files: ManifestFile[] = [];
  for (const [i, entry] of manifest.output.files.entries()) {
    const file = v.safeParse(manifestFile, entry);
    if (!file.success) return `${MANIFEST_NAME} files[${i}] is not a file entry ({ path, sha256, mode })`;
    files.push(file.output);
  }
  return { node: manifest.output.node, files };
}

export function verifyTarball(tarball: Buffer | TarballRead, reviewedDir?: string): TarballReport {
  const read = Buffer.isBuffer(tarball) ? readTarGz(tarball) : tarball;
  if (!read.ok) return { node: "", problems: [read.problem], checkedFiles: 0 };
  const problems: string[] = [];
  const entries = read.entries.filter((e) => e.type === "file");
  const node = entries[0]?.name.split("/")[0] ?? "";
  const files = new Map(entries.map((e) => [e.name.slice(node.length + 1), e]));
  for (const e of entries)
    if (!e.name.startsWith(`${node}/`)) problems.push(`${e.name}: outside the bundle folder ${node}/`);

  const manifestEntry = files.get(MANIFEST_NAME);
  if (!manifestEntry) return { node, problems: [...problems, `no ${MANIFEST_NAME} in the tarball`], checkedFiles: 0 };
  const manifest = parseManifest(manifestEntry.content.toString("utf8"));
  if (typeof manifest === "string") return { node, problems: [...problems, manifest], checkedFiles: 0 };
  const masked = new Map(manifest.files.filter((f) => f.maskedKeys).map((f) => [f.path, f.maskedKeys!]));

  // The tarball against its own manifest and checksums.
  for (const f of manifest.files) {
    const entry = files.get(f.path);
    if (!entry) problems.push(`${f.path}: listed in ${MANIFEST_NAME} but missing`);
    else {
      if (sha256(entry.content) !== f.sha256) problems.push(`${f.path}: SHA-256 differs from ${MANIFEST_NAME}`);
      if (modeString(entry.mode) !== f.mode)
        problems.push(`${f.path}: mode ${modeString(entry.mode)}, manifest says ${f.mode}`);
    }
  }
  const sums = files.get("SHA256SUMS")?.content.toString("utf8") ?? "";
  for (const line of sums.split("\n").filter(Boolean)) {
    const [hash, path] = line.split(/ {2}/);
    const entry = files.get(path);
    if (!entry || sha256(entry.content) !== hash) problems.push(`${path}: does not match SHA256SUMS`);
  }
  for (const path of files.keys()) {
    if (path !== MANIFEST_NAME && path !== "SHA256SUMS" && !manifest.files.some((f) => f.path === path)) {
      problems.push(`${path}: in the tarball but not in ${MANIFEST_NAME}`);
    }
  }

  // The tarball against the reviewed render, secrets masked on both sides.
  if (reviewedDir !== undefined) {
    const reviewed = readTree(join(reviewedDir, node));
    if (reviewed.size === 0) problems.push(`${join(reviewedDir, node)}: no reviewed bundle there`);
    const comparable = (path: string, text: string): string => {
      if (masked.has(path)) return maskSecrets(text, [], masked.get(path));
      if (path === "SHA256SUMS") {
        // Lines for secret-bearing files, and for the manifest that hashes them, depend on the secret.
        const secretDependent = (p: string): boolean => masked.has(p) || (masked.size > 0 && p === MANIFEST_NAME);
        return text
          .split("\n")
          .filter((l) => !secretDependent(l.split(/ {2}/)[1]))
          .join("\n");
      }
      if (path === MANIFEST_NAME) {
        const m = parseManifest(text);
        if (typeof m === "string") return text;
        m.files = m.files.map((f) => (masked.has(f.path) ? { ...f, sha256: "masked" } : f));
        return JSON.stringify(m);
      }
      return text;
    };
    for (const [path, entry] of files) {
      const golden = reviewed.get(path);
      if (golden === undefined) problems.push(`${path}: not in the reviewed render`);
      else if (comparable(path, golden.toString("utf8")) !== comparable(path, entry.content.toString("utf8"))) {
        problems.push(`${path}: differs from the reviewed render`);
      }
    }
    for (const path of reviewed.keys())
      if (!files.has(path)) problems.push(`${path}: reviewed but missing from the tarball`);
  }
  return { node, problems, checkedFiles: files.size };
}

export function verifyTarballFile(path: string, reviewedDir?: string): TarballReport {
  return verifyTarball(readTarGzFile(path), reviewedDir);
}
