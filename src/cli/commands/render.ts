import { dirname, resolve } from "node:path";
import {
  claimOutputFolder,
  keepOtherNodes,
  OutputFolderRefused,
  renderOutput,
  writeOutputAtomically,
} from "../../pipeline.js";
import { timedAsync } from "../../timings.js";
import { EXIT_CONFIG, loadForCommand, printDiagnostics, printJsonReport } from "../io.js";
import { catalogue } from "../../diagnostics/catalogue.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { CommandModule } from "yargs";
import type { Io } from "../io.js";
import { withConfigArgument, withJsonOption } from "./common.js";
import { findConfig } from "../config-path.js";

type RenderArgs = { config?: string; strict: boolean; out: string; node?: string[]; quiet: boolean; json: boolean };

export const renderCommand = (io: Io, setExitCode: (code: number) => void): CommandModule<object, RenderArgs> => ({
  command: "render [config]",
  describe: "render every node's bundle and tarball into the output folder",
  builder: (y) =>
    withJsonOption(withConfigArgument(y))
      .option("out", {
        alias: "o",
        type: "string",
        requiresArg: true,
        default: "out",
        describe: "output folder, replaced atomically",
      })
      .option("node", {
        type: "string",
        array: true,
        requiresArg: true,
        describe: "render only this node's bundle (repeatable)",
      })
      .option("quiet", { alias: "q", type: "boolean", default: false, describe: "print nothing on success" }),
  handler: async (args) => {
    const outDir = resolve(io.cwd, args.out);
    // The output folder is checked before anything else is done: a refusal costs nothing.
    const found = findConfig(args.config, io.cwd);
    const context = { cwd: io.cwd, configDir: dirname(found.path), ...(io.env.HOME ? { home: io.env.HOME } : {}) };
    let previous: string[];
    try {
      previous = claimOutputFolder(outDir, context);
    } catch (error) {
      if (!(error instanceof OutputFolderRefused)) throw error;
      const refusal: Diagnostic = {
        code: catalogue.outputRefused.code,
        severity: "error",
        message: catalogue.outputRefused.message(args.out, error.why),
      };
      if (args.json) printJsonReport(io, false, [refusal]);
      else printDiagnostics(io, [refusal]);
      return setExitCode(EXIT_CONFIG);
    }
    const result = await loadForCommand(io, args.config, args.strict, args.json);
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
    const rendered = await renderOutput(result.valid, result.plan, io.env, args.node);
    // --node replaces those nodes' bundles and tarballs; the other nodes' stay as they were.
    const others = args.node ? known.filter((n) => !args.node!.includes(n)) : [];
    const files = others.length > 0 ? keepOtherNodes(rendered, outDir, previous, others) : rendered;
    await timedAsync("write", () => writeOutputAtomically(outDir, files, context));
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
