import { resolve } from "node:path";
import type { CommandModule } from "yargs";
import { assembleOutput } from "../../bundle/write.js";
import { manifestInfo, renderArtifacts } from "../../pipeline.js";
import { diffOutput } from "../../review/diff.js";
import { EXIT_CONFIG, EXIT_FINDINGS, loadForCommand, type Io } from "../io.js";
import { withConfigArgument } from "./common.js";

type DiffArgs = { config?: string; strict: boolean; against: string; stat: boolean; json: boolean };

export const diffCommand = (io: Io, setExitCode: (code: number) => void): CommandModule<object, DiffArgs> => ({
  command: "diff [config]",
  describe: "show what a render would change (exit 0 identical, 1 different); secrets masked",
  builder: (y) =>
    withConfigArgument(y)
      .option("against", { type: "string", default: "out", describe: "folder holding the previous render" })
      .option("stat", { type: "boolean", default: false, describe: "list changed files only" })
      .option("json", { type: "boolean", default: false, describe: "print the changes as JSON" }),
  handler: async (args) => {
    const result = loadForCommand(io, args.config, args.strict);
    if (!result.ok) return setExitCode(EXIT_CONFIG);
    const artifacts = await renderArtifacts(result.valid, result.plan);
    const files = await assembleOutput(artifacts, io.env, manifestInfo(result.valid, result.plan));
    const changes = diffOutput(files, artifacts, resolve(io.cwd, args.against));
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
