/** The homegarden command line: each command lives in commands/; this file only wires them up. */
import { writeFileSync } from "node:fs";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { phaseTimes } from "../timings.js";
import { VERSION } from "../version.js";
import { benchCommand } from "./commands/bench.js";
import { checkCommand } from "./commands/check.js";
import { diffCommand } from "./commands/diff.js";
import { initCommand } from "./commands/init.js";
import { verifyTarballCommand } from "./commands/verify-tarball.js";
import type { CommandFactory } from "./commands/common.js";
import { planCommand } from "./commands/plan.js";
import { renderCommand } from "./commands/render.js";
import { EXIT_CONFIG, EXIT_OK, type Io } from "./io.js";

export { EXIT_CONFIG, EXIT_FINDINGS, EXIT_OK } from "./io.js";

/** Every command, in the order --help lists them. */
const COMMANDS: CommandFactory[] = [
  renderCommand,
  planCommand,
  checkCommand,
  diffCommand,
  initCommand,
  verifyTarballCommand,
  benchCommand,
];

export async function main(argv: string[], io: Io): Promise<number> {
  let exitCode = EXIT_OK;
  const setExitCode = (code: number): void => {
    exitCode = code;
  };
  let parser = yargs(argv)
    .scriptName("homegarden")
    .version(VERSION)
    .strict()
    .demandCommand(1, "name a command")
    .epilogue(
      "Exit codes: 0 ok, 1 findings (check, diff, verify-tarball, bench report), 2 usage, config or input error.",
    )
    .completion("completion", "print a bash/zsh completion script (source it in your shell)")
    .wrap(100)
    .exitProcess(false)
    // A usage error stops the run before any command's handler: with exitProcess(false) yargs
    // would otherwise go on and run it, so the error is thrown and reported below.
    .fail((message, error) => {
      // yargs reports its own argument errors as a YError; anything else came from a handler.
      if (error && error.name !== "YError") throw error;
      throw new UsageError(message ?? error?.message ?? "invalid command line");
    });
  for (const command of COMMANDS) parser = parser.command(command(io, setExitCode));
  withoutHelpPrecompute(parser);
  try {
    // The callback receives --help, --version and completion text instead of yargs printing it.
    await parser.parseAsync(argv, {}, (_error, _args, output) => {
      if (output) io.stdout(`${output}\n`);
    });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`homegarden: ${error.message}\nRun homegarden --help for usage.\n`);
      return EXIT_CONFIG;
    }
    // Anything else is a homegarden bug: one line that says so, never a stack trace.
    io.stderr(`homegarden: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_CONFIG;
  }
  return exitCode;
}

/** A command line yargs refuses: unknown option or command, missing or extra argument. */
class UsageError extends Error {}

/**
 * yargs lays out the whole help text after starting any command's handler, only to keep it for a
 * failure of that command; ours are reported by .fail() above, which prints no help. That layout
 * is ~15 ms of every run (and loads string-width, another ~20 ms), so it is turned off through
 * yargs' internal usage object (not part of its typed API: left as is if it changes). --help and
 * usage errors lay out the help as before.
 */
function withoutHelpPrecompute(parser: unknown): void {
  const internals = (parser as { getInternalMethods?: () => { getUsageInstance?: () => unknown } }).getInternalMethods;
  const usage = internals?.call(parser).getUsageInstance?.() as { cacheHelpMessage?: () => void } | undefined;
  if (typeof usage?.cacheHelpMessage === "function") usage.cacheHelpMessage = () => {};
}

/**
 * How the launcher loaded this bundle: from V8's code cache in the cache folder ("hit"), from the
 * one made at build time ("seed"), compiled afresh ("miss"), or with caching off ("off").
 */
export type CodeCacheUse = "hit" | "seed" | "miss" | "off";

export async function run(launch: { codeCache?: CodeCacheUse } = {}): Promise<void> {
  const started = performance.now();
  process.exitCode = await main(hideBin(process.argv), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  });
  const timingsFile = process.env.HOMEGARDEN_TIMINGS;
  if (timingsFile) writeFileSync(timingsFile, `${JSON.stringify(runTimings(started, launch.codeCache))}\n`);
}

/** What `npm run bench` reads from each run: milliseconds since the process started, per phase, peak memory, and how the bundle was loaded. */
function runTimings(mainStarted: number, codeCache: CodeCacheUse | undefined): Record<string, unknown> {
  return {
    startupMs: Math.round(mainStarted),
    phasesMs: phaseTimes(),
    totalMs: Math.round(performance.now()),
    maxRssKiB: process.resourceUsage().maxRSS,
    ...(codeCache ? { codeCache } : {}),
  };
}
