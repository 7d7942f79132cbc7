/** The homegarden command line: thin wrappers that parse flags, call the pipeline and print. */
import { resolve } from "node:path";
import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { formatDiagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { checkConfig, renderOutput, type CheckResult } from "../pipeline.js";
import { writeOutputAtomically } from "../bundle/write.js";
import { stableJson } from "../render/runbook.js";
import { VERSION } from "../version.js";
import { findConfig } from "./config-path.js";
import { formatPlan } from "./plan-table.js";

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_CONFIG = 2;

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

function printDiagnostics(io: Io, diagnostics: Diagnostic[], sourceText?: string): void {
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d, sourceText)}\n`);
}

function load(io: Io, config: string | undefined, strict: boolean): CheckResult & { configPath: string } {
  const found = findConfig(config, io.cwd);
  if (found.isExample)
    io.stderr(
      `homegarden: no ${"homegarden.config.ts"} here: using the built-in example (examples/homegarden.config.ts)\n`,
    );
  const result = checkConfig(found.path, { env: io.env, cwd: io.cwd, strict });
  if (!result.ok) printDiagnostics(io, result.diagnostics, result.sourceText);
  else printDiagnostics(io, result.warnings, result.module.sourceText);
  return { ...result, configPath: found.path };
}

const withConfig = (y: Argv) =>
  y
    .positional("config", {
      type: "string",
      describe: "config module (default ./homegarden.config.ts, else the built-in example)",
    })
    .option("strict", { type: "boolean", default: false, describe: "treat warnings as errors" });

export async function main(argv: string[], io: Io): Promise<number> {
  let exitCode = EXIT_OK;
  const parser = yargs(argv)
    .scriptName("homegarden")
    .version(VERSION)
    .strict()
    .demandCommand(1, "name a command: render, plan or check")
    .epilogue("Exit codes: 0 ok, 1 findings (check), 2 usage or config error.")
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      io.stderr(`homegarden: ${message}\nRun homegarden --help for usage.\n`);
      exitCode = EXIT_CONFIG;
    })
    .command(
      "render [config]",
      "render every node's bundle and tarball into the output folder",
      (y) =>
        withConfig(y).option("out", {
          alias: "o",
          type: "string",
          default: "out",
          describe: "output folder, replaced atomically",
        }),
      async (args) => {
        const result = load(io, args.config, args.strict);
        if (!result.ok) return void (exitCode = EXIT_CONFIG);
        const files = await renderOutput(result.valid, result.plan, io.env);
        writeOutputAtomically(resolve(io.cwd, args.out), files);
        const nodes = result.plan.nodes.map((n) => n.name).join(", ");
        io.stdout(
          `rendered ${result.plan.nodes.length} bundles (${nodes}), ${files.length} files, into ${args.out}/\n`,
        );
      },
    )
    .command(
      "plan [config]",
      "show links, addresses, routes, VIPs and the step order",
      (y) =>
        withConfig(y).option("json", {
          type: "boolean",
          default: false,
          describe: "print plan.json instead of tables",
        }),
      (args) => {
        const result = load(io, args.config, args.strict);
        if (!result.ok) return void (exitCode = EXIT_CONFIG);
        io.stdout(args.json ? `${stableJson(result.plan)}\n` : formatPlan(result.plan));
      },
    )
    .command(
      "check [config]",
      "load, type-check and validate the config; write nothing",
      (y) => withConfig(y),
      (args) => {
        const result = load(io, args.config, args.strict);
        if (!result.ok) return void (exitCode = EXIT_FINDINGS);
        io.stdout(
          `${result.module.displayPath}: ok (${result.plan.nodes.length} nodes, ${result.warnings.length} warnings)\n`,
        );
      },
    );
  try {
    await parser.parseAsync(argv);
  } catch (error) {
    io.stderr(`homegarden: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_CONFIG;
  }
  return exitCode;
}

export async function run(): Promise<void> {
  const code = await main(hideBin(process.argv), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  });
  process.exitCode = code;
}
