/** What a CLI command may touch: its output streams, the environment and the working folder. */
import { diagnosticToJson, formatDiagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { checkConfig, type CheckResult } from "../pipeline.js";
import { findConfig } from "./config-path.js";

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_CONFIG = 2;

export function printDiagnostics(io: Io, diagnostics: Diagnostic[], sourceText?: string): void {
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d, sourceText)}\n`);
}

/**
 * The `--json` report of a command: one JSON document on stdout, so a script reads one thing.
 * `diagnostics` holds every error and warning; `ok` is false exactly when the command failed.
 */
export function printJsonReport(io: Io, ok: boolean, diagnostics: Diagnostic[], extra: object = {}): void {
  io.stdout(`${JSON.stringify({ ok, ...extra, diagnostics: diagnostics.map(diagnosticToJson) }, null, 2)}\n`);
}

/**
 * Finds, loads and validates the config; the caller decides the exit code. In text mode every
 * finding goes to stderr at once; with `json` the caller prints them in its report.
 */
export async function loadForCommand(
  io: Io,
  config: string | undefined,
  strict: boolean,
  json = false,
  secretsRequired = true,
): Promise<CheckResult & { configPath: string }> {
  const found = findConfig(config, io.cwd);
  if (found.isExample) {
    io.stderr("homegarden: no homegarden.config.ts here: using the built-in example (examples/homegarden.config.ts)\n");
  }
  const result = await checkConfig(found.path, { env: io.env, cwd: io.cwd, strict, secretsRequired, cache: true });
  if (!json) {
    if (!result.ok) printDiagnostics(io, result.diagnostics, result.sourceText);
    else printDiagnostics(io, result.warnings, result.module.sourceText);
  }
  return { ...result, configPath: found.path };
}
