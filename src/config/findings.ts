/** The findings a validation collects: each catalogue entry with its path in the config. */
import type { ConfigPath, Diagnostic } from "../diagnostics/diagnostic.js";

export class Findings {
  readonly list: Diagnostic[] = [];
  add<A extends unknown[]>(
    entry: { code: string; severity: "error" | "warning"; message: (...args: A) => string },
    path: ConfigPath,
    ...args: A
  ): void {
    this.list.push({ code: entry.code, severity: entry.severity, message: entry.message(...args), path });
  }
  get errors(): Diagnostic[] {
    return this.list.filter((d) => d.severity === "error");
  }
}
