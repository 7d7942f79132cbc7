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
  /** The template it was rendered from (e.g. "templates/run/run.sh.eta"); absent for copied or computed files. */
  template?: string;
  /** Secret values inside `content`, so that reviews and golden files can mask them. Never written. */
  secrets?: string[];
  /** Keywords whose value on the same line is secret (e.g. keepalived's `auth_pass`), for masking old copies too. */
  secretKeys?: string[];
}

export const SECRET_MASK = "********";

/** Replaces every known secret value, and the value after every secret keyword, with a mask. */
export function maskSecrets(text: string, secrets: string[], secretKeys: string[] = []): string {
  let masked = text;
  for (const secret of secrets) if (secret !== "") masked = masked.split(secret).join(SECRET_MASK);
  if (secretKeys.length === 0) return masked;
  return masked
    .split("\n")
    .map((line) => {
      const match = /^(\s*)(\S+)(\s+)\S.*$/.exec(line);
      return match && secretKeys.includes(match[2]) ? `${match[1]}${match[2]}${match[3]}${SECRET_MASK}` : line;
    })
    .join("\n");
}

export const MODE_FILE = 0o644;
export const MODE_SCRIPT = 0o755;
export const MODE_SECRET = 0o600;
