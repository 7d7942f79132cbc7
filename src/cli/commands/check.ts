import { EXIT_FINDINGS, loadForCommand } from "../io.js";
import type { CommandModule } from "yargs";
import type { Io } from "../io.js";
import { withConfigArgument } from "./common.js";

type CheckArgs = { config?: string; strict: boolean };

export const checkCommand = (io: Io, setExitCode: (code: number) => void): CommandModule<object, CheckArgs> => ({
  command: "check [config]",
  describe: "load, type-check and validate the config; write nothing",
  builder: (y) => withConfigArgument(y),
  handler: (args) => {
    const result = loadForCommand(io, args.config, args.strict);
    if (!result.ok) return setExitCode(EXIT_FINDINGS);
    io.stdout(
      `${result.module.displayPath}: ok (${result.plan.nodes.length} nodes, ${result.warnings.length} warnings)\n`,
    );
  },
});
