import { resolve } from "node:path";
import { writeOutputAtomically } from "../../bundle/write.js";
import { renderOutput } from "../../pipeline.js";
import { timedAsync } from "../../timings.js";
import { EXIT_CONFIG, loadForCommand, printJsonReport } from "../io.js";
import type { CommandModule } from "yargs";
import type { Io } from "../io.js";
import { withConfigArgument, withJsonOption } from "./common.js";

type RenderArgs = { config?: string; strict: boolean; out: string; node?: string[]; quiet: boolean; json: boolean };

export const renderCommand = (io: Io, setExitCode: (code: number) => void): CommandModule<object, RenderArgs> => ({
  command: "render [config]",
  describe: "render every node's bundle and tarball into the output folder",
  builder: (y) =>
    withJsonOption(withConfigArgument(y))
      .option("out", {
        alias: "o",
        type: "string",
        default: "out",
        describe: "output folder, replaced atomically",
      })
      .option("node", { type: "string", array: true, describe: "render only this node's bundle (repeatable)" })
      .option("quiet", { alias: "q", type: "boolean", default: false, describe: "print nothing on success" }),
  handler: async (args) => {
    const result = loadForCommand(io, args.config, args.strict, args.json);
    if (!result.ok) {
      if (args.json) printJsonReport(io, false, result.diagnostics);
      return setExitCode(EXIT_CONFIG);
    }
    const known = result.plan.nodes.map((n) => n.name);
    const unknown = (args.node ?? []).filter((n) => !known.includes(n));
    if (unknown.length > 0) {
      io.stderr(`homegarden: --node ${unknown.join(", ")}: not a node of this cluster (nodes: ${known.join(", ")})\n`);
      return setExitCode(EXIT_CONFIG);
    }
    const files = await renderOutput(result.valid, result.plan, io.env, args.node);
    await timedAsync("write", () => writeOutputAtomically(resolve(io.cwd, args.out), files));
    const nodes = args.node ?? known;
    if (args.json) {
      printJsonReport(io, true, result.warnings, { out: args.out, nodes, files: files.length });
      return;
    }
    if (!args.quiet) {
      io.stdout(`rendered ${nodes.length} bundle(s) (${nodes.join(", ")}), ${files.length} files, into ${args.out}/\n`);
    }
  },
});
