/** The bench section: fio jobs, iperf3 runs and their line rates, the report's thresholds. */
import { catalogue } from "../diagnostics/catalogue.js";
import type { Findings } from "./findings.js";
import { ABSOLUTE_PATH, BENCH_NETWORKS, BLOCK_SIZE, isInt, JOB_NAME, SIZE } from "./rules.js";
import type { ResolvedConfig } from "./schema.js";
import type { BenchNetwork } from "./types.js";

type Bench = NonNullable<ResolvedConfig["bench"]>;

export function validateBench(config: ResolvedConfig, f: Findings): void {
  const bench = config.bench;
  if (bench?.fio) validateFio(bench.fio, f);
  if (bench?.iperf3) validateIperf3(bench.iperf3, f);
  if (bench) validateReport(bench.report, f);
}

function validateFio(fio: NonNullable<Bench["fio"]>, f: Findings): void {
  if (!ABSOLUTE_PATH.test(fio.filename) || fio.filename.split("/").includes(".."))
    f.add(catalogue.benchValueInvalid, ["bench", "fio", "filename"], "filename", fio.filename);
  if (!SIZE.test(fio.size)) f.add(catalogue.sizeInvalid, ["bench", "fio", "size"], fio.size);
  if (!isInt(fio.runtimeSeconds, 1, 86400))
    f.add(catalogue.benchValueInvalid, ["bench", "fio", "runtimeSeconds"], "runtime", String(fio.runtimeSeconds));
  const jobNames = new Set<string>();
  fio.jobs.forEach((job, i) => {
    const at = ["bench", "fio", "jobs", i];
    if (!JOB_NAME.test(job.name) || jobNames.has(job.name))
      f.add(catalogue.benchValueInvalid, [...at, "name"], "job name", job.name);
    jobNames.add(job.name);
    if (!BLOCK_SIZE.test(job.bs)) f.add(catalogue.benchValueInvalid, [...at, "bs"], "block size", job.bs);
    if (!isInt(job.iodepth, 1, 1024))
      f.add(catalogue.benchValueInvalid, [...at, "iodepth"], "iodepth", String(job.iodepth));
    else if (job.iodepth > 1 && (job.ioengine === "psync" || job.ioengine === "sync"))
      f.add(catalogue.fioDepthCapped, [...at, "ioengine"], job.name, job.ioengine, job.iodepth);
  });
}

function validateIperf3(iperf3: NonNullable<Bench["iperf3"]>, f: Findings): void {
  const at = ["bench", "iperf3"];
  if (!isInt(iperf3.durationSeconds, 1, 3600))
    f.add(catalogue.benchValueInvalid, [...at, "durationSeconds"], "duration", String(iperf3.durationSeconds));
  if (iperf3.parallel !== undefined && !isInt(iperf3.parallel, 1, 128))
    f.add(catalogue.benchValueInvalid, [...at, "parallel"], "parallel streams", String(iperf3.parallel));
  if (iperf3.port !== undefined && !isInt(iperf3.port, 1, 65535))
    f.add(catalogue.benchValueInvalid, [...at, "port"], "port", String(iperf3.port));
  const networks = iperf3.networks;
  networks.forEach((network, i) => {
    if (!BENCH_NETWORKS.includes(network) || networks.indexOf(network) !== i)
      f.add(catalogue.benchValueInvalid, [...at, "networks", i], "network", String(network));
  });
  for (const [network, rate] of Object.entries(iperf3.lineRateGbps ?? {})) {
    const path = [...at, "lineRateGbps", network];
    if (!BENCH_NETWORKS.includes(network as BenchNetwork))
      f.add(catalogue.benchValueInvalid, path, "line rate network", network);
    else if (typeof rate !== "number" || !Number.isFinite(rate) || rate <= 0 || rate > 1000)
      f.add(catalogue.benchValueInvalid, path, "line rate in Gbit/s (above 0, at most 1000)", String(rate));
  }
  for (const network of networks) {
    if (BENCH_NETWORKS.includes(network) && iperf3.lineRateGbps?.[network] === undefined)
      f.add(catalogue.lineRateMissing, at, network);
  }
}

function validateReport(report: Bench["report"], f: Findings): void {
  const at = ["bench", "report"];
  const share = report.minShareOfLineRate;
  if (share !== undefined && !(share > 0 && share <= 1))
    f.add(catalogue.benchValueInvalid, [...at, "minShareOfLineRate"], "share (above 0, at most 1)", String(share));
  const ms = report.syncWriteP99Ms;
  if (ms !== undefined && !(ms > 0 && ms <= 60000))
    f.add(
      catalogue.benchValueInvalid,
      [...at, "syncWriteP99Ms"],
      "p99 limit in ms (above 0, at most 60000)",
      String(ms),
    );
}
