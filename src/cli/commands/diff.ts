import { lstatSync } from "node:fs";
import { resolve } from "node:path";
import type { CommandModule } from "yargs";
import { OWNER_MARKER, renderBundles } from "../../pipeline.js";
import { diffOutput, readTree } from "../../review/diff.js";
import { readTarGzFile } from "../../review/tarball.js";
import { EXIT_CONFIG, EXIT_FINDINGS, loadForCommand, type Io } from "../io.js";
import { withConfigArgument } from "./common.js";
import { catalogue } from "../../diagnostics/catalogue.js";

/** Rendered in place of an absent secret; never compared, since every secret value is masked. */
const SECRET_STAND_IN = "absent!!";

/** Files whose bytes follow from a secret-bearing file: the tarballs and the digest lists. */
function dependsOnSecret(path: string): boolean {
  return path.endsWith(".tar.gz") || /(^|\/)(SHA256SUMS|MANIFEST\.json)$/.test(path);
}

type DiffArgs = { config?: string; strict: boolean; against: string; stat: boolean; json: boolean };

export const diffCommand = (io: Io, setExitCode: (code: number) => void): CommandModule<object, DiffArgs> => ({
  command: "diff [config]",
  describe: "show what a render would change (exit 0 identical, 1 different); secrets masked",
  builder: (y) =>
    withConfigArgument(y)
      .option("against", {
        type: "string",
        requiresArg: true,
        default: "out",
        describe: "folder holding the previous render",
      })
      .option("stat", { type: "boolean", default: false, describe: "list changed files only" })
      .option("json", { type: "boolean", default: false, describe: "print the changes as JSON" }),
  handler: async (args) => {
    // Without the secret (a CI gate), every file is compared with its secret values masked, and
    // the files derived from the secret-bearing ones (digests, tarballs) are reported as not compared.
    const result = await loadForCommand(io, args.config, args.strict, false, false);
    if (!result.ok) return setExitCode(EXIT_CONFIG);
    const secretAbsent = result.warnings.some((w) => w.code === catalogue.secretAbsentHere.code);
    const valid = secretAbsent
      ? { ...result.valid, secrets: { ...result.valid.secrets, vrrpPassword: SECRET_STAND_IN } }
      : result.valid;
    const { artifacts, files } = await renderBundles(valid, result.plan, io.env);
    const against = resolve(io.cwd, args.against);
    let isFile = false;
    try {
      isFile = !lstatSync(against).isDirectory();
    } catch {
      // absent: everything is added
    }
    let changes;
    if (isFile) {
      // One node's tarball: its bundle is compared with that node's bundle in the new render.
      const read = readTarGzFile(against);
      if (!read.ok) {
        io.stderr(`homegarden: ${args.against}: ${read.problem}\n`);
        return setExitCode(EXIT_FINDINGS);
      }
      const node = read.entries[0]?.name.split("/")[0] ?? "";
      const inBundle = (path: string): boolean => path.startsWith(`${node}/`);
      const existing = new Map(read.entries.filter((e) => e.type === "file").map((e) => [e.name, e.content]));
      changes = diffOutput(
        files.filter((f) => inBundle(f.path)),
        artifacts.filter((a) => a.node === node),
        existing,
      );
    } else {
      const previous = readTree(against);
      previous.delete(OWNER_MARKER);
      changes = diffOutput(files, artifacts, previous);
    }
    let notCompared: string[] = [];
    if (secretAbsent) {
      // The secret-bearing files themselves are compared with their secrets masked: what differs
      // only there is the stand-in, not a change.
      notCompared = changes.filter((c) => dependsOnSecret(c.path) || c.secretOnly).map((c) => c.path);
      changes = changes.filter((c) => !dependsOnSecret(c.path) && !c.secretOnly);
      for (const path of notCompared)
        io.stderr(`homegarden: ${path}: not compared (its bytes depend on the secret, absent here)\n`);
    }
    if (args.json) io.stdout(`${JSON.stringify(changes, null, 2)}\n`);
    else if (changes.length === 0) io.stdout(`no changes against ${args.against}/\n`);
    else {
      for (const c of changes) {
        io.stdout(`${c.kind.padEnd(8)} ${c.path}\n`);
        if (args.stat) continue;
        if (c.patch) io.stdout(c.patch);
        else if (c.secretOnly) io.stdout("  (only secret values differ; masked)\n");
        else io.stdout("  (binary)\n");
      }
      io.stdout(`${changes.length} file(s) differ from ${args.against}/\n`);
    }
    if (changes.length > 0) setExitCode(EXIT_FINDINGS);
  },
});
