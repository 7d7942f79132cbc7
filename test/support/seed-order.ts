/**
 * The seed procedure's command order, read from the seed text itself (not from our templates), and
 * one signature per command so that the seed's shell lines and the fakes' recorded argv compare.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The seed's LINSTOR section, verbatim (the seed itself lives outside the repository). */
export const SEED_SECTION_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "fixtures",
  "seed-linstor-section.txt",
);

export type SeedScope = "node 1" | "all nodes" | "node 2 and node 3";

export interface SeedCommand {
  scope: SeedScope;
  line: string;
  signature: string;
}

/** Unit names as systemd completes them: "linstor-controller" -> "linstor-controller.service". */
function unitName(unit: string): string {
  return unit.includes(".") ? unit : `${unit}.service`;
}

/**
 * What a command does, without node names, addresses and flags: "linstor node create",
 * "systemctl start var-lib-linstor.mount", "mv /var/lib/linstor", ...; null for commands the
 * comparison ignores (file writes, reboots, daemon-reload, read-only commands).
 */
export function signature(words: string[]): string | null {
  const [command, ...args] = words;
  const plain = args.filter((a) => !a.startsWith("-"));
  switch (command) {
    case "apt":
    case "apt-get": {
      const i = plain.findIndex((a) => a === "install" || a === "update");
      if (i < 0) return null;
      return plain[i] === "update" ? "apt update" : `apt install ${plain[i + 1]}`;
    }
    case "linstor": {
      // Global options first: --controllers LIST, -m, --output-version V.
      const rest = [...args];
      while (rest[0]?.startsWith("-")) rest.splice(0, rest[0] === "-m" ? 1 : 2);
      return rest.length >= 2 ? `linstor ${rest[0]} ${rest[1]}` : null;
    }
    case "systemctl": {
      const [verb, unit] = plain;
      if (!unit || verb === "daemon-reload" || verb.startsWith("is-") || verb === "status") return null;
      return `systemctl ${verb} ${unitName(unit)}`;
    }
    case "zpool":
    case "drbdadm":
    case "modprobe":
      return plain[0] === "list" || plain[0] === "status" || plain[0] === "role" ? null : `${command} ${args[0]}`;
    case "chattr":
      return `chattr ${args[0]}`;
    case "mkfs.ext4":
      return "mkfs.ext4";
    case "mv":
      return plain.some((a) => /\/var\/lib\/linstor(\{|$)/.test(a)) ? "mv /var/lib/linstor" : null;
    case "cp":
      return plain.some((a) => a.includes("/var/lib/linstor.orig")) ? "cp /var/lib/linstor.orig" : null;
    default:
      return null;
  }
}

/** Every command of the seed's LINSTOR part, in order, with the nodes the seed ran it on. */
export function seedCommands(text = readFileSync(SEED_SECTION_PATH, "utf8")): SeedCommand[] {
  const start = text.indexOf("### <u> Linstor : </u>");
  const end = text.includes("## <u>Benchmarks") ? text.indexOf("## <u>Benchmarks") : text.length;
  if (start < 0) throw new Error("the seed's LINSTOR section was not found");
  const commands: SeedCommand[] = [];
  let scope: SeedScope = "all nodes";
  let inCode = false;
  let heredocEnd: string | null = null;
  for (const raw of text.slice(start, end).split("\n")) {
    const line = raw.trim();
    if (line.startsWith("```")) {
      inCode = !inCode;
      continue;
    }
    if (!inCode) {
      if (/on \*\*node 1\*\*/.test(line)) scope = "node 1";
      else if (/on \*\*node 2 and node 3\*\*/.test(line)) scope = "node 2 and node 3";
      else if (/on \*\*all nodes\*\*|on each node/.test(line)) scope = "all nodes";
      continue;
    }
    if (heredocEnd !== null) {
      if (line === heredocEnd) heredocEnd = null;
      continue;
    }
    const heredoc = /<<\s*'?(\w+)'?/.exec(line);
    if (heredoc) heredocEnd = heredoc[1];
    if (line === "" || line.startsWith("#") || /^\S+@\S+[:#]/.test(line)) continue;
    for (const part of line.split("&&")) {
      const sig = signature(part.trim().split(/\s+/));
      if (sig) commands.push({ scope, line: part.trim(), signature: sig });
    }
  }
  return commands;
}

export function appliesTo(scope: SeedScope, isFirst: boolean): boolean {
  return scope === "all nodes" || (scope === "node 1") === isFirst;
}

/** Signatures in order of first occurrence. */
export function firstOccurrences(signatures: string[]): string[] {
  return [...new Set(signatures)];
}
