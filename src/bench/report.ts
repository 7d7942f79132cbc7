/** Parsed results + bench.json -> report rows, findings and report.md. Pure and deterministic. */
import { fioResultFile } from "../plan/bench.js";
import { VERSION } from "../version.js";
import type { BenchSettings, FioRow, IperfResult } from "./results.js";

export interface IperfRow {
  file: string;
  from: string;
  to: string;
  network: string;
  gbps: number;
  lineRateGbps: number | null;
  /** gbps / lineRateGbps, when the line rate is known. */
  share: number | null;
  retransmits: number;
  streams: number;
  belowShare: boolean;
}

export interface FioReportRow extends FioRow {
  p99Us: number;
  /** A sync write whose p99 is above the limit. */
  aboveLimit: boolean;
}

export interface BenchReport {
  settings: BenchSettings;
  fio: FioReportRow[];
  iperf3: IperfRow[];
  /** Expected results with no file, and runs the client script gave up on (*.failed). */
  missing: string[];
  failed: string[];
  /** Result files bench.json does not list; not reported. */
  unknown: string[];
  findings: string[];
}

export interface ReportInput {
  settings: BenchSettings;
  fio: FioRow[];
  iperf3: IperfResult[];
  /** Every file name in the results folder. */
  files: string[];
}

/** The value at `percentile`, or the nearest recorded one above it. */
export function latencyAt(row: FioRow, percentile: number): number {
  const found = row.percentiles.find((p) => p.percentile >= percentile);
  return (found ?? row.percentiles[row.percentiles.length - 1]).us;
}

export function formatGbps(gbps: number): string {
  return gbps.toFixed(2);
}

/** Milliseconds with three significant digits, never in exponent notation. */
export function formatMs(us: number): string {
  const ms = us / 1000;
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

export function buildReport(input: ReportInput): BenchReport {
  const { settings } = input;
  const { minShareOfLineRate, syncWriteP99Ms } = settings.report;
  const fio = [...input.fio]
    .sort((a, b) => a.file.localeCompare(b.file) || a.direction.localeCompare(b.direction))
    .map((row) => {
      const p99Us = latencyAt(row, 99);
      return { ...row, p99Us, aboveLimit: row.sync && p99Us > syncWriteP99Ms * 1000 };
    });
  // fio jobs in bench.json order first, then any others by file name.
  const jobOrder = (job: string) => {
    const i = settings.fioJobs.indexOf(job);
    return i < 0 ? settings.fioJobs.length : i;
  };
  fio.sort((a, b) => jobOrder(a.job) - jobOrder(b.job));

  const byFile = new Map(input.iperf3.map((r) => [r.file, r]));
  const iperf3: IperfRow[] = [];
  for (const path of settings.paths) {
    const result = byFile.get(path.file);
    if (!result) continue;
    const share = path.lineRateGbps ? result.gbps / path.lineRateGbps : null;
    iperf3.push({
      file: path.file,
      from: path.from,
      to: path.to,
      network: path.network,
      gbps: result.gbps,
      lineRateGbps: path.lineRateGbps,
      share,
      retransmits: result.retransmits,
      streams: result.streams,
      belowShare: share !== null && share < minShareOfLineRate,
    });
  }

  const present = new Set(input.files);
  const expected = [...settings.fioJobs.map(fioResultFile), ...settings.paths.map((p) => p.file)];
  const failed = expected.filter((f) => present.has(`${f}.failed`));
  const missing = [
    ...expected.filter((f) => !present.has(f) && !present.has(`${f}.failed`)),
    // Nodes whose settings copy never arrived: their paths are unknown here, so the node is named.
    ...settings.nodes.filter((n) => !settings.measuredBy.includes(n)).map((n) => `bench-${n}.json`),
  ];
  const listed = new Set(settings.paths.map((p) => p.file));
  const unknown = input.iperf3.map((r) => r.file).filter((f) => !listed.has(f));

  const findings: string[] = [];
  for (const row of fio) {
    if (row.aboveLimit)
      findings.push(
        `fio ${row.job}: p99 write latency ${formatMs(row.p99Us)} ms is above the ${syncWriteP99Ms} ms limit for sync writes`,
      );
  }
  for (const row of iperf3) {
    if (row.belowShare && row.share !== null)
      findings.push(
        `iperf3 ${row.from} -> ${row.to} over ${row.network}: ${formatGbps(row.gbps)} Gbit/s is ${percent(row.share)} of the ${row.lineRateGbps} Gbit/s line rate, below ${percent(minShareOfLineRate)}`,
      );
  }
  for (const file of failed) findings.push(`${file}: the run failed (see ${file}.failed)`);
  return { settings, fio, iperf3, missing, failed, unknown, findings };
}

export const CHART_FILES = { latency: "fio-latency.svg", throughput: "iperf3-throughput.svg" } as const;

/** report.md before its tables are aligned. */
export function reportMarkdown(report: BenchReport): string {
  const { settings } = report;
  const { minShareOfLineRate, syncWriteP99Ms } = settings.report;
  const lines: string[] = [
    `# Benchmark report: cluster ${settings.cluster}`,
    "",
    `Written by homegarden ${VERSION} \`bench report\` from ${new Set(report.fio.map((r) => r.file)).size} fio and ${report.iperf3.length} iperf3 results. ` +
      `Flags: sync-write p99 latency above ${syncWriteP99Ms} ms; throughput below ${percent(minShareOfLineRate)} of the line rate.`,
    "",
    "## Findings",
    "",
    ...(report.findings.length > 0
      ? report.findings.map((f) => `- ⚠ ${f}`)
      : ["None: every result is within its threshold."]),
    "",
  ];
  if (report.fio.length > 0) {
    lines.push(
      "## Storage (fio)",
      "",
      "Latency is fio's total latency (submission to completion) when the job recorded it (`lat_percentiles=1`), else completion latency.",
      "",
      "| job | I/O | block size | queue depth | engine | IOPS | bandwidth (MiB/s) | mean latency (ms) | p99 latency (ms) | flag |",
      "| --- | --- | --- | --: | --- | --: | --: | --: | --: | --- |",
    );
    for (const r of report.fio) {
      const io = `${r.rw}${r.rw.includes("rw") ? ` (${r.direction})` : ""}${r.sync ? ", O_SYNC" : ""}`;
      lines.push(
        `| ${r.job} | ${io} | ${r.bs} | ${r.iodepth} | ${r.engine} | ${r.iops.toFixed(0)} | ${r.bandwidthMiBs.toFixed(1)} | ${formatMs(r.meanLatencyUs)} | ${formatMs(r.p99Us)} | ${r.aboveLimit ? "⚠ p99 above limit" : ""} |`,
      );
    }
    lines.push("", `![fio latency percentiles per job](${CHART_FILES.latency})`, "");
  }
  if (report.iperf3.length > 0) {
    lines.push(
      "## Network (iperf3)",
      "",
      "Throughput is what the server received (`end.sum_received`).",
      "",
      "| from | to | network | Gbit/s | line rate (Gbit/s) | share of line rate | streams | retransmits | flag |",
      "| --- | --- | --- | --: | --: | --: | --: | --: | --- |",
    );
    for (const r of report.iperf3) {
      lines.push(
        `| ${r.from} | ${r.to} | ${r.network} | ${formatGbps(r.gbps)} | ${r.lineRateGbps ?? "not set"} | ${r.share === null ? "" : percent(r.share)} | ${r.streams} | ${r.retransmits} | ${r.belowShare ? "⚠ below share" : ""} |`,
      );
    }
    lines.push("", `![iperf3 throughput per pair against line rate](${CHART_FILES.throughput})`, "");
  }
  if (report.missing.length + report.failed.length + report.unknown.length > 0) {
    lines.push("## Not in this report", "");
    for (const f of report.failed) lines.push(`- \`${f}\`: failed (\`${f}.failed\`)`);
    for (const f of report.missing) lines.push(`- \`${f}\`: not measured (no file)`);
    for (const f of report.unknown) lines.push(`- \`${f}\`: not listed in bench.json, left out`);
    lines.push("");
  }
  return lines.join("\n");
}
