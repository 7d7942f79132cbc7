import { resolve } from "node:path";
import { writeOutputAtomically } from "../../bundle/write.js";
import { renderOutput } from "../../pipeline.js";
import { timed } from "../../timings.js";
import { EXIT_CONFIG, loadForCommand } from "../io.js";
import type { CommandModule } from "yargs";
import type { Io } from "../io.js";
import { withConfigArgument } from "./common.js";

type RenderArgs = { config?: string; strict: boolean; out: string };

export const renderCommand = (io: Io, setExitCode: (code: number) => void): CommandModule<object, RenderArgs> => ({
  command: "render [config]",
  describe: "render every node's bundle and tarball into the output folder",
  builder: (y) =>
    withConfigArgument(y).option("out", {
      alias: "o",
      type: "string",
      default: "out",
      describe: "output folder, replaced atomically",
    }),
  handler: async (args) => {
    const result = loadForCommand(io, args.config, args.strict);
    if (!result.ok) return setExitCode(EXIT_CONFIG);
    const files = await renderOutput(result.valid, result.plan, io.env);
    timed("write", () => writeOutputAtomically(resolve(io.cwd, args.out), files));
    const nodes = result.plan.nodes.map((n) => n.name).join(", ");
    io.stdout(`rendered ${result.plan.nodes.length} bundles (${nodes}), ${files.length} files, into ${args.out}/\n`);
  },
});
