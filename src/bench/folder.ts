/** The report's I/O: read a results folder into parsed results, write report.md and the charts. */
import { alignTables } from "../markdown-table.js";
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalogue } from "../diagnostics/catalogue.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { buildReport, CHART_FILES, reportMarkdown, type BenchReport, type ReportInput } from "./report.js";
import {
  parseBenchSettings,
  parseFioResult,
  parseIperfResult,
  type BenchSettings,
  type FioRow,
  type IperfResult,
} from "./results.js";
import { latencyChart, throughputChart } from "./svg.js";

/** The settings copies in a results folder: bench-<node>.json from each node's scripts (or a bench.json). */
export const SETTINGS_FILES = /^bench(-[A-Za-z0-9-]+)?\.json$/;

/** One node's settings, or several nodes' merged: thresholds and jobs of the first, every node's paths. */
export function mergeSettings(parts: BenchSettings[]): BenchSettings {
  const seen = new Set<string>();
  const paths = parts.flatMap((p) => p.paths).filter((p) => !seen.has(p.file) && seen.add(p.file));
  const fioJobs = [...new Set(parts.flatMap((p) => p.fioJobs))];
  const nodes = [...new Set(parts.flatMap((p) => p.nodes))];
  const measuredBy = [...new Set(parts.flatMap((p) => p.measuredBy))];
  return { ...parts[0], nodes, measuredBy, fioJobs, paths };
}
export const REPORT_FILE = "report.md";

export type FolderResult = { ok: true; input: ReportInput } | { ok: false; diagnostics: Diagnostic[] };

function error(entry: { code: string; severity: "error" | "warning" }, message: string): Diagnostic {
  return { code: entry.code, severity: entry.severity, message };
}

/** Parses every fio-*.json and iperf3-*.json in `dir`; every bad file is reported, not only the first. */
export function readResultsFolder(dir: string, settingsPaths?: string[]): FolderResult {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    return { ok: false, diagnostics: [error(catalogue.resultsMissing, catalogue.resultsMissing.message(dir))] };
  const files = readdirSync(dir).sort();
  const diagnostics: Diagnostic[] = [];
  const paths = settingsPaths ?? files.filter((name) => SETTINGS_FILES.test(name)).map((name) => join(dir, name));
  const parts: BenchSettings[] = [];
  if (paths.length === 0) {
    diagnostics.push(
      error(catalogue.benchSettingsMissing, catalogue.benchSettingsMissing.message(join(dir, "bench-<node>.json"))),
    );
  }
  for (const path of paths) {
    if (!existsSync(path)) {
      diagnostics.push(error(catalogue.benchSettingsMissing, catalogue.benchSettingsMissing.message(path)));
      continue;
    }
    const parsed = parseBenchSettings(path, readFileSync(path, "utf8"));
    if (parsed.ok) parts.push(parsed.value);
    else diagnostics.push(parsed.diagnostic);
  }
  const settings = parts.length > 0 ? mergeSettings(parts) : undefined;
  const fio: FioRow[] = [];
  const iperf3: IperfResult[] = [];
  for (const name of files) {
    const isFio = /^fio-.+\.json$/.test(name);
    const isIperf = /^iperf3-.+\.json$/.test(name);
    if (!isFio && !isIperf) continue;
    const text = readFileSync(join(dir, name), "utf8");
    // Diagnostics name the path as given, results the bare file name bench.json lists.
    const parsed = isFio ? parseFioResult(join(dir, name), text) : parseIperfResult(join(dir, name), text);
    if (!parsed.ok) diagnostics.push(parsed.diagnostic);
    else if (isFio) fio.push(...(parsed.value as FioRow[]).map((row) => ({ ...row, file: name })));
    else iperf3.push({ ...(parsed.value as IperfResult), file: name });
  }
  if (diagnostics.length === 0 && fio.length === 0 && iperf3.length === 0)
    diagnostics.push(error(catalogue.resultsMissing, catalogue.resultsMissing.message(dir)));
  if (diagnostics.length > 0 || !settings) return { ok: false, diagnostics };
  return { ok: true, input: { settings, fio, iperf3, files } };
}

/** report.md (its tables aligned) and one chart per kind of result present. */
export async function renderReport(input: ReportInput): Promise<{ report: BenchReport; files: Map<string, string> }> {
  const report = buildReport(input);
  const files = new Map<string, string>();
  files.set(REPORT_FILE, alignTables(reportMarkdown(report)));
  const { syncWriteP99Ms, minShareOfLineRate } = report.settings.report;
  if (report.fio.length > 0) files.set(CHART_FILES.latency, latencyChart(report.fio, syncWriteP99Ms));
  if (report.iperf3.length > 0) files.set(CHART_FILES.throughput, throughputChart(report.iperf3, minShareOfLineRate));
  return { report, files };
}

/** Each file via a temp name and rename, so a reader never sees half a report. */
export function writeReportFiles(dir: string, files: Map<string, string>): void {
  for (const [name, content] of files) {
    const temp = join(dir, `.${name}.tmp-${process.pid}`);
    writeFileSync(temp, content);
    renameSync(temp, join(dir, name));
  }
}
