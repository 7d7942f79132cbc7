import { lstatSync } from "node:fs";
import { resolve } from "node:path";
import type { CommandModule } from "yargs";
import { assembleOutput } from "../../bundle/write.js";
import { manifestInfo, renderArtifacts } from "../../pipeline.js";
import { diffOutput, readTree } from "../../review/diff.js";
import { readTarGzFile } from "../../review/tarball.js";
import { OWNER_MARKER } from "../../bundle/ownership.js";
import { EXIT_CONFIG, EXIT_FINDINGS, loadForCommand, type Io } from "../io.js";
import { withConfigArgument } from "./common.js";

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
    // The secret is needed: the tarballs and digests a render writes depend on it.
    const result = await loadForCommand(io, args.config, args.strict);
    if (!result.ok) return setExitCode(EXIT_CONFIG);
    const artifacts = await renderArtifacts(result.valid, result.plan);
    const files = await assembleOutput(artifacts, io.env, manifestInfo(result.valid, result.plan));
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
