import { resolve } from "node:path";
import type { CommandModule } from "yargs";
import { verifyTarballFile } from "../../review/verify-tarball.js";
import { EXIT_FINDINGS, type Io } from "../io.js";

type VerifyTarballArgs = { tarball: string[]; against?: string };

export const verifyTarballCommand = (
  io: Io,
  setExitCode: (code: number) => void,
): CommandModule<object, VerifyTarballArgs> => ({
  command: "verify-tarball <tarball..>",
  describe: "check bundle tarballs against their MANIFEST.json and, with --against, a reviewed render",
  builder: (y) =>
    y
      .positional("tarball", { type: "string", array: true, demandOption: true, describe: "<node>.tar.gz files" })
      .option("against", {
        type: "string",
        requiresArg: true,
        describe: "reviewed render folder (e.g. golden/homegarden or out)",
      }),
  handler: (args) => {
    for (const tarball of args.tarball) {
      const report = verifyTarballFile(
        resolve(io.cwd, tarball),
        args.against ? resolve(io.cwd, args.against) : undefined,
      );
      if (report.problems.length === 0) {
        io.stdout(
          `${tarball}: ok (${report.node}, ${report.checkedFiles} files${args.against ? `, equal to ${args.against}` : ""})\n`,
        );
      } else {
        for (const p of report.problems) io.stdout(`${tarball}: ${p}\n`);
        setExitCode(EXIT_FINDINGS);
      }
    }
  },
});
