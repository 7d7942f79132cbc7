import { stableJson } from "../../sorted-json.js";
import { EXIT_CONFIG, loadForCommand } from "../io.js";
import { formatPlan } from "../../pipeline.js";
import type { CommandModule } from "yargs";
import type { Io } from "../io.js";
import { withConfigArgument } from "./common.js";

type PlanArgs = { config?: string; strict: boolean; json: boolean };

export const planCommand = (io: Io, setExitCode: (code: number) => void): CommandModule<object, PlanArgs> => ({
  command: "plan [config]",
  describe: "show links, addresses, routes, VIPs and the step order",
  builder: (y) =>
    withConfigArgument(y).option("json", {
      type: "boolean",
      default: false,
      describe: "print plan.json instead of tables",
    }),
  handler: async (args) => {
    // The plan holds no secret: an absent one is a warning.
    const result = await loadForCommand(io, args.config, args.strict, false, false);
    if (!result.ok) return setExitCode(EXIT_CONFIG);
    io.stdout(args.json ? `${stableJson(result.plan)}\n` : formatPlan(result.plan));
  },
});
