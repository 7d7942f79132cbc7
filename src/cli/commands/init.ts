import { resolve } from "node:path";
import type { CommandModule } from "yargs";
import { runInit } from "../../review/init.js";
import { EXIT_CONFIG, type Io } from "../io.js";

type InitArgs = { dir: string; force: boolean };

export const initCommand = (io: Io, setExitCode: (code: number) => void): CommandModule<object, InitArgs> => ({
  command: "init [dir]",
  describe: "write a commented homegarden.config.ts, a tsconfig.json for editors and a .gitignore",
  builder: (y) =>
    y
      .positional("dir", { type: "string", default: ".", describe: "folder to write into" })
      .option("force", { type: "boolean", default: false, describe: "overwrite existing files" }),
  handler: (args) => {
    const result = runInit(resolve(io.cwd, args.dir), args.force);
    if (!result.ok) {
      io.stderr(
        `homegarden: ${result.existing.join(", ")} already exist(s) in ${args.dir}: use --force to overwrite\n`,
      );
      return setExitCode(EXIT_CONFIG);
    }
    io.stdout(`wrote ${result.written.join(", ")} in ${args.dir}\n`);
  },
});
