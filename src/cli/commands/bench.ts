import { resolve } from "node:path";
import type { CommandModule } from "yargs";
import { readResultsFolder, renderReport, writeReportFiles } from "../../bench/folder.js";
import { EXIT_CONFIG, EXIT_FINDINGS, printDiagnostics, type Io } from "../io.js";

type ReportArgs = { dir: string; settings?: string[]; out?: string };

function reportCommand(io: Io, setExitCode: (code: number) => void): CommandModule<object, ReportArgs> {
  return {
    command: "report <dir>",
    describe: "turn a folder of fio and iperf3 JSON results into report.md and SVG charts",
    builder: (y) =>
      y
        .positional("dir", { type: "string", demandOption: true, describe: "folder with fio-*.json, iperf3-*.json" })
        .option("settings", {
          requiresArg: true,
          type: "string",
          array: true,
          describe: "bench.json of rendered bundles (repeatable; default every DIR/bench-<node>.json)",
        })
        .option("out", {
          alias: "o",
          type: "string",
          requiresArg: true,
          describe: "where report.md and the charts go (default DIR)",
        }),
    handler: async (args) => {
      const dir = resolve(io.cwd, args.dir);
      const folder = readResultsFolder(
        dir,
        args.settings?.map((s) => resolve(io.cwd, s)),
      );
      if (!folder.ok) {
        printDiagnostics(io, folder.diagnostics);
        return setExitCode(EXIT_CONFIG);
      }
      const { report, files } = await renderReport(folder.input);
      const out = args.out ? resolve(io.cwd, args.out) : dir;
      writeReportFiles(out, files);
      for (const finding of report.findings) io.stderr(`homegarden: ${finding}\n`);
      io.stdout(
        `wrote ${[...files.keys()].join(", ")} to ${args.out ?? args.dir} (${report.fio.length} fio and ${report.iperf3.length} iperf3 results, ${report.findings.length} findings)\n`,
      );
      if (report.findings.length > 0) setExitCode(EXIT_FINDINGS);
    },
  };
}

export const benchCommand = (io: Io, setExitCode: (code: number) => void): CommandModule<object, object> => ({
  command: "bench",
  describe: "work with the bench kit's results",
  builder: (y) => y.command(reportCommand(io, setExitCode)).demandCommand(1, "name a bench command"),
  handler: () => undefined,
});
