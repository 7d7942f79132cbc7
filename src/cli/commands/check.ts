import { EXIT_FINDINGS, loadForCommand, printJsonReport } from "../io.js";
import type { CommandModule } from "yargs";
import type { Io } from "../io.js";
import { withConfigArgument, withJsonOption } from "./common.js";

type CheckArgs = { config?: string; strict: boolean; json: boolean };

export const checkCommand = (io: Io, setExitCode: (code: number) => void): CommandModule<object, CheckArgs> => ({
  command: "check [config]",
  describe: "load, type-check and validate the config; write nothing",
  builder: (y) => withJsonOption(withConfigArgument(y)),
  handler: async (args) => {
    // No bundle is written: an absent secret is a warning (a CI gate needs none).
    const result = await loadForCommand(io, args.config, args.strict, args.json, false);
    if (!result.ok) {
      if (args.json) printJsonReport(io, false, result.diagnostics);
      return setExitCode(EXIT_FINDINGS);
    }
    if (args.json) {
      printJsonReport(io, true, result.warnings, { file: result.module.displayPath, nodes: result.plan.nodes.length });
      return;
    }
    io.stdout(
      `${result.module.displayPath}: ok (${result.plan.nodes.length} nodes, ${result.warnings.length} warnings)\n`,
    );
  },
});
