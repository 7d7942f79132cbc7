/**
 * Benchmark planning: the fio job set with its engines, and the iperf3 paths between nodes. Pure.
 * The plan keeps the iperf3 settings, not the paths: every ordered pair of nodes is a path, so the
 * list grows with the square of the node count (130,000 paths for 256 nodes). `iperfPathsOf` gives
 * one client node's paths when its bundle is rendered.
 */
import { DEFAULT_BENCH_NETWORKS, DEFAULT_REPORT, type ResolvedConfig } from "../config/schema.js";
import type { BenchNetwork, FioJobConfig } from "../config/types.js";
import type { PlannedLink } from "./ring.js";

export interface PlannedFioJob extends FioJobConfig {
  /** The engine fio runs: the job's own, else libaio for a queue deeper than 1 (psync would cap it at 1). */
  engine: string;
}

/** One iperf3 run: the client `from` sends to `to` over one network. */
export interface IperfPath {
  from: string;
  to: string;
  kind: BenchNetwork;
  /** "storage", "management", or "ring-<client NIC>" for the ring link between the two. */
  network: string;
  /** Client address the test binds to, so the traffic leaves on that network. */
  bind: string;
  /** Server address. */
  address: string;
  /** Physical link speed, when configured. */
  lineRateGbps?: number;
  /** Result file name, the same in every bundle and in the report. */
  file: string;
}

export interface PlannedBench {
  fio?: { filename: string; size: string; runtimeSeconds: number; jobs: PlannedFioJob[] };
  iperf3?: {
    port: number;
    parallel: number;
    durationSeconds: number;
    networks: BenchNetwork[];
    lineRateGbps: Partial<Record<BenchNetwork, number>>;
  };
  report: { minShareOfLineRate: number; syncWriteP99Ms: number };
}

/** The node facts iperf3 planning needs. */
export interface BenchNode {
  name: string;
  storage: { ip: string };
  management: { ip: string };
}

export function fioEngine(job: FioJobConfig): string {
  return job.ioengine ?? (job.iodepth > 1 ? "libaio" : "psync");
}

export function fioResultFile(job: string): string {
  return `fio-${job}.json`;
}

export function iperfResultFile(from: string, to: string, network: string): string {
  return `iperf3-${from}-to-${to}-${network}.json`;
}

/** The iperf3 settings paths are planned from. */
export interface IperfSettings {
  networks: BenchNetwork[];
  lineRateGbps: Partial<Record<BenchNetwork, number>>;
}

/**
 * The paths `client` measures: per network in configured order, every other node in node order on
 * the node networks, and both ring links from the client's own end (link order).
 */
export function iperfPathsOf(
  client: BenchNode,
  nodes: BenchNode[],
  links: PlannedLink[],
  { networks, lineRateGbps }: IperfSettings,
): IperfPath[] {
  const paths: IperfPath[] = [];
  const add = (to: string, kind: BenchNetwork, network: string, bind: string, address: string) => {
    const rate = lineRateGbps[kind];
    paths.push({
      from: client.name,
      to,
      kind,
      network,
      bind,
      address,
      ...(rate !== undefined ? { lineRateGbps: rate } : {}),
      file: iperfResultFile(client.name, to, network),
    });
  };
  for (const kind of networks) {
    if (kind === "ring") {
      for (const link of links) {
        const [near, far] = link.a.node === client.name ? [link.a, link.b] : [link.b, link.a];
        if (near.node === client.name) add(far.node, kind, `ring-${near.nic}`, near.ip, far.ip);
      }
      continue;
    }
    for (const server of nodes) {
      if (server.name !== client.name) add(server.name, kind, kind, client[kind].ip, server[kind].ip);
    }
  }
  return paths;
}

/** Every path of the cluster, ordered by client node, then network, then server node. */
export function iperfPaths(nodes: BenchNode[], links: PlannedLink[], settings: IperfSettings): IperfPath[] {
  return nodes.flatMap((client) => iperfPathsOf(client, nodes, links, settings));
}

export function planBench(bench: ResolvedConfig["bench"]): PlannedBench {
  const fio = bench?.fio;
  const iperf3 = bench?.iperf3;
  const networks = iperf3?.networks ?? [...DEFAULT_BENCH_NETWORKS];
  const lineRateGbps = iperf3?.lineRateGbps ?? {};
  return {
    ...(fio
      ? {
          fio: {
            filename: fio.filename,
            size: fio.size,
            runtimeSeconds: fio.runtimeSeconds,
            jobs: fio.jobs.map((job) => ({ ...job, engine: fioEngine(job) })),
          },
        }
      : {}),
    ...(iperf3
      ? {
          iperf3: {
            port: iperf3.port,
            parallel: iperf3.parallel,
            durationSeconds: iperf3.durationSeconds,
            networks,
            lineRateGbps,
          },
        }
      : {}),
    report: {
      minShareOfLineRate: bench?.report.minShareOfLineRate ?? DEFAULT_REPORT.minShareOfLineRate,
      syncWriteP99Ms: bench?.report.syncWriteP99Ms ?? DEFAULT_REPORT.syncWriteP99Ms,
    },
  };
}
