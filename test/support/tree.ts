/** Folder snapshots for "nothing was written" assertions. */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

/** Every entry below `dir` (files by content, symlinks by target, folders by name), with its mode. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const key = p.slice(dir.length + 1);
      const st = lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[key] = `link -> ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[key] = `dir ${mode}`;
        walk(p);
      } else out[key] = `file ${mode} ${readFileSync(p).toString("base64")}`;
    }
  };
  walk(dir);
  return out;
}
