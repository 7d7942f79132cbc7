/** Benchmark kit: fio job files with a runner, and iperf3 server/client scripts for every peer. */
import { MODE_FILE, MODE_SCRIPT, type Artifact } from "./artifact.js";
import type { NodeRenderInput } from "./context.js";
import { headerFor, renderTemplate } from "./engine.js";
import type { FioJobConfig } from "../config/types.js";

export interface IperfTarget {
  network: string;
  peer: string;
  address: string;
}

/** Every other node's address on the storage and management networks, and the peer of each ring link. */
export function iperfTargets({ plan, node }: Pick<NodeRenderInput, "plan" | "node">): IperfTarget[] {
  const others = plan.nodes.filter((n) => n.name !== node.name);
  return [
    ...others.map((n) => ({ network: "storage", peer: n.name, address: n.storage.ip })),
    ...others.map((n) => ({ network: "management", peer: n.name, address: n.management.ip })),
    ...node.ringInterfaces.map((i) => ({ network: `ring-${i.nic}`, peer: i.peer.node, address: i.peer.ip })),
  ];
}

/** Synchronous engines cap iodepth at 1: a deeper queue gets libaio unless the job names an engine. */
export function fioEngine(job: FioJobConfig): string {
  return job.ioengine ?? (job.iodepth > 1 ? "libaio" : "psync");
}

function describe(job: FioJobConfig, engine: string): string {
  return `${job.rw} ${job.bs} at queue depth ${job.iodepth} with ${engine}${job.sync ? ", O_SYNC" : ""}.`;
}

export function renderBench(input: NodeRenderInput): Artifact[] {
  const { plan, node } = input;
  const header = headerFor(plan, node);
  const out: Artifact[] = [];
  const fio = plan.bench.fio;
  if (fio) {
    for (const job of fio.jobs) {
      const engine = fioEngine(job);
      out.push({
        node: node.name,
        path: `bench/${job.name}.fio`,
        mode: MODE_FILE,
        source: "bench",
        content: renderTemplate("bench/job.fio", { header, fio, job, engine, description: describe(job, engine) }),
      });
    }
    out.push({
      node: node.name,
      path: "bench/run-fio.sh",
      mode: MODE_SCRIPT,
      source: "bench",
      content: renderTemplate("bench/run-fio.sh", { header, fio }),
    });
  }
  const iperf3 = plan.bench.iperf3;
  if (iperf3) {
    const data = { header, node, iperf3, targets: iperfTargets(input) };
    out.push({
      node: node.name,
      path: "bench/iperf3-server.sh",
      mode: MODE_SCRIPT,
      source: "bench",
      content: renderTemplate("bench/iperf3-server.sh", data),
    });
    out.push({
      node: node.name,
      path: "bench/iperf3-client.sh",
      mode: MODE_SCRIPT,
      source: "bench",
      content: renderTemplate("bench/iperf3-client.sh", data),
    });
  }
  return out;
}
