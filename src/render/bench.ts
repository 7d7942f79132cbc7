/**
 * Benchmark kit: fio job files with a runner, iperf3 server/client scripts for every path, and
 * bench.json, the settings `homegarden bench report` reads next to the results.
 */
import type { ClusterPlan } from "../plan/plan.js";
import { iperfPathsOf, type IperfPath, type PlannedFioJob } from "../plan/bench.js";
import { VERSION } from "../version.js";
import { MODE_FILE, MODE_SCRIPT, type Artifact } from "../artifact.js";
import type { NodeRenderInput } from "./context.js";
import { headerFor, renderFile } from "./engine.js";

/** Latency percentiles every job records (fio's percentile_list) and the report charts. */
export const FIO_PERCENTILES = ["50", "90", "99", "99.9", "99.99"];

/** Tries per iperf3 path: a server runs one test at a time and may be busy with another node's. */
const IPERF3_ATTEMPTS = 3;

function describe(job: PlannedFioJob): string {
  return `${job.rw} ${job.bs} at queue depth ${job.iodepth} with ${job.engine}${job.sync ? ", O_SYNC" : ""}.`;
}

/**
 * What the report needs besides the results: thresholds, the expected fio jobs, and the iperf3 paths
 * this node measures (as client), written as the servers it measures on each network; the report
 * derives each path's result file (`iperfResultFile`) and line rate (`lineRateGbps` of its kind) from
 * them. Only this node's paths, so a bundle grows with the node count, not with its square; the
 * scripts copy it into the results folder as bench-<node>.json, and the report merges the copies of
 * every node whose results are there.
 */
export function benchSettings(plan: ClusterPlan, node: string, paths: IperfPath[]): string {
  const { fio, iperf3, report } = plan.bench;
  const servers: Record<string, string[]> = {};
  for (const path of paths) (servers[path.network] ??= []).push(path.to);
  const settings = {
    generator: `homegarden ${VERSION}`,
    cluster: plan.cluster,
    node,
    nodes: plan.nodes.map((n) => n.name),
    report,
    fio: fio ? { jobs: fio.jobs.map((job) => job.name) } : null,
    iperf3: iperf3
      ? {
          durationSeconds: iperf3.durationSeconds,
          parallel: iperf3.parallel,
          lineRateGbps: Object.fromEntries(iperf3.networks.map((kind) => [kind, iperf3.lineRateGbps[kind] ?? null])),
          servers,
        }
      : null,
  };
  return `${JSON.stringify(settings, null, 2)}\n`;
}

export function renderBench(input: NodeRenderInput): Artifact[] {
  const { plan, node } = input;
  const header = headerFor(plan, node);
  const { fio, iperf3 } = plan.bench;
  const artifact = (path: string, mode: number, file: { content: string; template?: string }): Artifact => ({
    node: node.name,
    path: `bench/${path}`,
    mode,
    source: "bench",
    ...file,
  });
  const out: Artifact[] = [];
  if (!fio && !iperf3) return out;
  const paths = iperf3 ? iperfPathsOf(node, plan.nodes, plan.links, iperf3) : [];
  out.push(artifact("bench.json", MODE_FILE, { content: benchSettings(plan, node.name, paths) }));
  if (fio) {
    for (const job of fio.jobs) {
      const data = { header, fio, job, percentiles: FIO_PERCENTILES, description: describe(job) };
      out.push(artifact(`${job.name}.fio`, MODE_FILE, renderFile("bench/job.fio", data)));
    }
    const zvol = `${node.zfs.pool}/fio-test`;
    out.push(artifact("run-fio.sh", MODE_SCRIPT, renderFile("bench/run-fio.sh", { header, node, fio, zvol })));
  }
  if (iperf3) {
    const data = { header, node, iperf3, paths, attempts: IPERF3_ATTEMPTS };
    out.push(artifact("iperf3-server.sh", MODE_SCRIPT, renderFile("bench/iperf3-server.sh", data)));
    out.push(artifact("iperf3-client.sh", MODE_SCRIPT, renderFile("bench/iperf3-client.sh", data)));
  }
  return out;
}
