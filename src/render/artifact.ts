/** One generated file, as plain data: writing it is the bundle step's job. */
export interface Artifact {
  /** The node whose bundle holds it, or undefined for cluster-wide files at the top of out/. */
  node?: string;
  /** Path inside the node's bundle (e.g. "files/etc/keepalived/keepalived.conf") or inside out/. */
  path: string;
  /** 0o755 for scripts, 0o600 for files with secrets, else 0o644. */
  mode: number;
  content: string | Buffer;
  /** The render module that produced it. */
  source: string;
  /** Secret values inside `content`, so that reviews and golden files can mask them. Never written. */
  secrets?: string[];
}

export const MODE_FILE = 0o644;
export const MODE_SCRIPT = 0o755;
export const MODE_SECRET = 0o600;
