/** One finding about a config module, positioned in the user's file when possible. */
export type Severity = "error" | "warning";
export type ConfigPath = (string | number)[];

export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** Path of the offending value inside the config object, e.g. ["nodes", 1, "name"]. */
  path?: ConfigPath;
  position?: SourcePosition;
}

/** Credentials in any URL ("scheme://user:password@host") replaced by *** before text is shown. */
export function maskUrlCredentials(text: string): string {
  return text.replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s/?#@]*@/g, "$1***@");
}

export function formatPath(path: ConfigPath): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
}

/** `file:line:col error CODE message`, then the source line with a caret under the column. */
export function formatDiagnostic(d: Diagnostic, sourceText?: string): string {
  const where = d.position ? `${d.position.file}:${d.position.line}:${d.position.column} ` : "";
  const field = d.path && d.path.length > 0 ? ` (at ${formatPath(d.path)})` : "";
  const head = `${where}${d.severity} ${d.code} ${d.message}${field}`;
  if (!d.position || sourceText === undefined) return head;
  const written = sourceText.split("\n")[d.position.line - 1];
  if (written === undefined) return head;
  // The source line as written, but a URL's credentials never reach the terminal or a log.
  const line = maskUrlCredentials(written);
  const gutter = String(d.position.line);
  const caret = " ".repeat(gutter.length) + " | " + " ".repeat(Math.max(0, d.position.column - 1)) + "^";
  return `${head}\n${gutter} | ${line}\n${caret}`;
}

/** The machine-readable form of a finding (`--json`): flat, with the config path as written in messages. */
export interface DiagnosticJson {
  code: string;
  severity: Severity;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  path?: string;
}

export function diagnosticToJson(d: Diagnostic): DiagnosticJson {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...(d.position ? { file: d.position.file, line: d.position.line, column: d.position.column } : {}),
    ...(d.path && d.path.length > 0 ? { path: formatPath(d.path) } : {}),
  };
}
