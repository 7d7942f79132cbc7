/**
 * MANIFEST.json of a bundle: which homegarden and which config produced it, the version contract it
 * targets, and every file's SHA-256, mode, source (the render module that wrote it) and template. Secret
 * values never appear; files holding secrets list the keywords whose values are masked in review.
 */
import { byPath } from "./layout.js";

export interface ManifestInfo {
  generator: { name: "homegarden"; version: string };
  cluster: string;
  /** SHA-256 of the config module's text. */
  configSha256: string;
  /** Proxmox release and every declared tool version. */
  targets: Record<string, string | number>;
}

export interface ManifestFile {
  /** Path inside the bundle. */
  path: string;
  mode: number;
  /** SHA-256 of the content, hex. */
  sha256: string;
  source: string;
  /** The template it was rendered from, when it was. */
  template?: string;
  secretKeys?: string[];
}

export const MANIFEST_NAME = "MANIFEST.json";

export function modeString(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

export function buildManifest(node: string, info: ManifestInfo, files: ManifestFile[]): string {
  const manifest = {
    generator: info.generator,
    cluster: info.cluster,
    node,
    config: { sha256: info.configSha256 },
    targets: info.targets,
    files: [...files].sort(byPath).map((f) => ({
      path: f.path,
      sha256: f.sha256,
      mode: modeString(f.mode),
      source: f.source,
      ...(f.template ? { template: f.template } : {}),
      ...(f.secretKeys && f.secretKeys.length > 0 ? { maskedKeys: f.secretKeys } : {}),
    })),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
