import { createHash } from "node:crypto";
import { byPath } from "./layout.js";

export function sha256(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

/** `sha256sum` format, sorted by path: "<hex>  <path>\n" per file, from its digest. */
export function sha256sums(files: { path: string; sha256: string }[]): string {
  return [...files]
    .sort(byPath)
    .map((f) => `${f.sha256}  ${f.path}\n`)
    .join("");
}
