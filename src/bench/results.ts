/**
 * Parsers for what the bench kit leaves in a results folder: fio json+ files, iperf3 --json files and
 * bench.json. Pure: text in, typed rows or one diagnostic naming the file out.
 */
import { catalogue } from "../diagnostics/catalogue.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { BenchNetwork } from "../config/types.js";
import { BENCH_NETWORKS, HOSTNAME_LABEL, INTERFACE_NAME } from "../config/rules.js";
import { iperfResultFile } from "../plan/bench.js";

export type Parsed<T> = { ok: true; value: T } | { ok: false; diagnostic: Diagnostic };

/** One direction (read or write) of one fio job. */
export interface FioRow {
  file: string;
  job: string;
  direction: "read" | "write";
  rw: string;
  bs: string;
  iodepth: number;
  engine: string;
  /** The job wrote with O_SYNC (fio `sync=1`): the seed's sync-write test. */
  sync: boolean;
  iops: number;
  bandwidthMiBs: number;
  meanLatencyUs: number;
  /** Latency percentiles in microseconds, ascending by percentile; total latency when fio recorded it. */
  percentiles: { percentile: number; us: number }[];
}

export interface IperfResult {
  file: string;
  /** Received throughput (what arrived at the server), Gbit/s. */
  gbps: number;
  retransmits: number;
  streams: number;
  seconds: number;
}

export interface BenchSettings {
  cluster: string;
  /** Every node of the cluster, so that a node whose results never arrived is named. */
  nodes: string[];
  /** The nodes whose settings copies (bench-<node>.json) were read. */
  measuredBy: string[];
  report: { minShareOfLineRate: number; syncWriteP99Ms: number };
  fioJobs: string[];
  paths: {
    file: string;
    from: string;
    to: string;
    network: string;
    kind: BenchNetwork;
    lineRateGbps: number | null;
  }[];
}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function fail<T>(d: { code: string; severity: "error" | "warning" }, message: string): Parsed<T> {
  return { ok: false, diagnostic: { code: d.code, severity: d.severity, message } };
}

/** JSON.parse with the reason for failure; fio may print notes before its JSON, so parsing starts at the first "{". */
function parseJson(file: string, text: string): Parsed<unknown> {
  const start = text.search(/^\{/m);
  if (start < 0) {
    const why = text.trim() === "" ? "the file is empty" : "no JSON object in it";
    return fail(catalogue.resultNotJson, catalogue.resultNotJson.message(file, why));
  }
  try {
    return { ok: true, value: JSON.parse(text.slice(start)) };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return fail(catalogue.resultNotJson, catalogue.resultNotJson.message(file, why));
  }
}

function shapeError<T>(file: string, tool: string, what: string): Parsed<T> {
  return fail(catalogue.resultShapeInvalid, catalogue.resultShapeInvalid.message(file, tool, what));
}

function percentilesOf(stats: Json): { percentile: number; us: number }[] {
  const table = stats.percentile;
  if (!isObj(table)) return [];
  return Object.entries(table)
    .filter((entry): entry is [string, number] => isNum(entry[1]))
    .map(([p, ns]) => ({ percentile: Number(p), us: ns / 1000 }))
    .sort((a, b) => a.percentile - b.percentile);
}

function isSyncOption(value: unknown): boolean {
  return typeof value === "string" && value !== "0" && value !== "none" && value !== "";
}

export function parseFioResult(file: string, text: string): Parsed<FioRow[]> {
  const parsed = parseJson(file, text);
  if (!parsed.ok) return parsed;
  const doc = parsed.value;
  if (!isObj(doc) || !Array.isArray(doc.jobs) || doc.jobs.length === 0)
    return shapeError(file, "fio", 'no "jobs" array (run fio with --output-format=json+)');
  const global = isObj(doc["global options"]) ? doc["global options"] : {};
  const rows: FioRow[] = [];
  for (const [i, job] of doc.jobs.entries()) {
    if (!isObj(job) || typeof job.jobname !== "string") return shapeError(file, "fio", `jobs[${i}] has no jobname`);
    if (isNum(job.error) && job.error !== 0)
      return fail(
        catalogue.resultToolError,
        catalogue.resultToolError.message(file, "fio", `job ${job.jobname} ended with error ${job.error}`),
      );
    const options: Json = { ...global, ...(isObj(job["job options"]) ? job["job options"] : {}) };
    for (const direction of ["read", "write"] as const) {
      const stats = job[direction];
      if (!isObj(stats)) return shapeError(file, "fio", `job ${job.jobname} has no "${direction}" statistics`);
      const lat = stats.lat_ns;
      const clat = stats.clat_ns;
      if (!isNum(stats.total_ios) || !isNum(stats.iops) || !isNum(stats.bw_bytes) || !isObj(lat) || !isObj(clat))
        return shapeError(file, "fio", `job ${job.jobname} ${direction} lacks total_ios, iops, bw_bytes or lat_ns`);
      if (stats.total_ios === 0) continue;
      const total = percentilesOf(lat);
      const percentiles = total.length > 0 ? total : percentilesOf(clat);
      if (!isNum(lat.mean) || percentiles.length === 0)
        return shapeError(file, "fio", `job ${job.jobname} ${direction} has no latency percentiles`);
      rows.push({
        file,
        job: job.jobname,
        direction,
        rw: String(options.rw ?? options.readwrite ?? "read"),
        bs: String(options.bs ?? "4k"),
        iodepth: Number(options.iodepth ?? 1),
        engine: String(options.ioengine ?? "psync"),
        sync: direction === "write" && isSyncOption(options.sync),
        iops: stats.iops,
        bandwidthMiBs: stats.bw_bytes / 1048576,
        meanLatencyUs: lat.mean / 1000,
        percentiles,
      });
    }
  }
  if (rows.length === 0) return shapeError(file, "fio", "no job did any I/O");
  return { ok: true, value: rows };
}

export function parseIperfResult(file: string, text: string): Parsed<IperfResult> {
  const parsed = parseJson(file, text);
  if (!parsed.ok) return parsed;
  const doc = parsed.value;
  if (!isObj(doc)) return shapeError(file, "iperf3", "not a JSON object");
  if (typeof doc.error === "string")
    return fail(catalogue.resultToolError, catalogue.resultToolError.message(file, "iperf3", doc.error));
  const end = doc.end;
  const start = doc.start;
  if (!isObj(end) || !isObj(end.sum_received) || !isNum(end.sum_received.bits_per_second))
    return shapeError(file, "iperf3", 'no "end.sum_received.bits_per_second" (a TCP test run with --json)');
  const sent = isObj(end.sum_sent) ? end.sum_sent : {};
  const test = isObj(start) && isObj(start.test_start) ? start.test_start : {};
  return {
    ok: true,
    value: {
      file,
      gbps: end.sum_received.bits_per_second / 1e9,
      retransmits: isNum(sent.retransmits) ? sent.retransmits : 0,
      streams: isNum(test.num_streams) ? test.num_streams : 1,
      seconds: isNum(end.sum_received.seconds) ? end.sum_received.seconds : 0,
    },
  };
}

export function parseBenchSettings(file: string, text: string): Parsed<BenchSettings> {
  const parsed = parseJson(file, text);
  if (!parsed.ok) return parsed;
  const doc = parsed.value;
  const bad = (what: string) => shapeError<BenchSettings>(file, "homegarden bench.json", what);
  if (!isObj(doc) || typeof doc.cluster !== "string") return bad('no "cluster"');
  const report = doc.report;
  if (!isObj(report) || !isNum(report.minShareOfLineRate) || !isNum(report.syncWriteP99Ms))
    return bad('"report" needs minShareOfLineRate and syncWriteP99Ms');
  const fio = doc.fio;
  const fioJobs = isObj(fio) && Array.isArray(fio.jobs) ? fio.jobs.filter((j) => typeof j === "string") : [];
  const paths: BenchSettings["paths"] = [];
  const from = typeof doc.node === "string" ? doc.node : undefined;
  const iperf3 = doc.iperf3;
  if (isObj(iperf3)) {
    const rates = iperf3.lineRateGbps;
    const servers = iperf3.servers;
    // Node names as the config validator allows them, so a result file name stays a name.
    if (from === undefined || !HOSTNAME_LABEL.test(from))
      return bad('"iperf3" needs "node", the client its paths start from');
    if (!isObj(rates) || !Object.values(rates).every((r) => r === null || isNum(r)))
      return bad('"iperf3.lineRateGbps" needs a number or null per network kind');
    if (!isObj(servers)) return bad('"iperf3.servers" needs the servers of each network');
    for (const [network, names] of Object.entries(servers)) {
      const kind = network.startsWith("ring-") ? "ring" : network;
      if (
        !BENCH_NETWORKS.includes(kind as BenchNetwork) ||
        !(network === kind || INTERFACE_NAME.test(network.slice("ring-".length)))
      )
        return bad(`iperf3.servers: unknown network "${network}"`);
      if (!Array.isArray(names) || !names.every((n) => typeof n === "string" && HOSTNAME_LABEL.test(n)))
        return bad(`iperf3.servers.${network} needs a list of node names`);
      const rate = rates[kind];
      for (const to of names as string[]) {
        paths.push({
          file: iperfResultFile(from, to, network),
          from,
          to,
          network,
          kind: kind as BenchNetwork,
          lineRateGbps: isNum(rate) ? rate : null,
        });
      }
    }
  }
  const nodes = Array.isArray(doc.nodes) ? doc.nodes.filter((n): n is string => typeof n === "string") : [];
  const node = from !== undefined ? [from] : [];
  return {
    ok: true,
    value: {
      cluster: doc.cluster,
      nodes,
      measuredBy: node,
      report: { minShareOfLineRate: report.minShareOfLineRate, syncWriteP99Ms: report.syncWriteP99Ms },
      fioJobs,
      paths,
    },
  };
}
