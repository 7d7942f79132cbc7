import type { Argv, CommandModule } from "yargs";
import type { Io } from "../io.js";

/** A command gets the Io and a setter for the process exit code. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command narrows its own arguments
export type CommandFactory = (io: Io, setExitCode: (code: number) => void) => CommandModule<object, any>;

export function withConfigArgument<T>(y: Argv<T>) {
  return y
    .positional("config", {
      type: "string",
      describe: "config module (default ./homegarden.config.ts, else the built-in example)",
    })
    .option("strict", { type: "boolean", default: false, describe: "treat warnings as errors" });
}

/** `--json`: the command prints one JSON report (diagnostics included) on stdout instead of text. */
export function withJsonOption<T>(y: Argv<T>) {
  return y.option("json", {
    type: "boolean",
    default: false,
    describe: "print one JSON report with every diagnostic on stdout",
  });
}
