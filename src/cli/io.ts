/** What a CLI command may touch: its output streams, the environment and the working folder. */
import { formatDiagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { typecheckCacheFromEnv } from "../config/typecheck-cache.js";
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

/** Finds, loads and validates the config, printing every finding; the caller decides the exit code. */
export function loadForCommand(
  io: Io,
  config: string | undefined,
  strict: boolean,
): CheckResult & { configPath: string } {
  const found = findConfig(config, io.cwd);
  if (found.isExample) {
    io.stderr("homegarden: no homegarden.config.ts here: using the built-in example (examples/homegarden.config.ts)\n");
  }
  const cache = typecheckCacheFromEnv(io.env);
  const result = checkConfig(found.path, { env: io.env, cwd: io.cwd, strict, ...(cache ? { cache } : {}) });
  if (!result.ok) printDiagnostics(io, result.diagnostics, result.sourceText);
  else printDiagnostics(io, result.warnings, result.module.sourceText);
  return { ...result, configPath: found.path };
}
