/**
 * A ring cluster in network namespaces, built from a render: one namespace per node, one veth pair
 * per ring link named as the config names the NICs, then exactly what the node's generated
 * sysctl file and ifupdown2 stanzas say, applied the way sysctl and ifup would.
 *
 * Namespaces are named hg-ring-<pid>-<lab>-<node index>; teardown() deletes them, and
 * cleanupStaleRingLabs() removes those left by a process that died.
 */
import { spawn, spawnSync } from "node:child_process";
import type { ClusterPlan } from "../../src/plan/plan.js";
import type { Rendered } from "./render.js";

export interface RunResult {
  code: number;
  output: string;
}

let running = 0;
const waiting: (() => void)[] = [];
/** At most this many child processes at once (the machine has 2 cores shared with others). */
const MAX_PARALLEL = 12;

/** Runs a command without a shell; never rejects. */
export async function run(command: string, args: string[]): Promise<RunResult> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await new Promise<RunResult>((resolve) => {
      const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      child.on("error", (error) => resolve({ code: -1, output: String(error) }));
      child.on("close", (code) => resolve({ code: code ?? -1, output }));
    });
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

async function mustRun(command: string, args: string[]): Promise<string> {
  const result = await run(command, args);
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.code}: ${result.output}`);
  return result.output;
}

export interface PingRequest {
  from: string;
  to: string;
  ttl?: number;
}

export interface Stanza {
  nic: string;
  address?: string;
  mtu?: number;
  up: string[];
  down: string[];
}

/** The `iface NIC inet static` stanzas of an ifupdown2 file; refuses any keyword it would not apply. */
export function parseInterfaces(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const iface = /^iface (\S+) inet static$/.exec(line);
    if (iface) {
      current = { nic: iface[1], up: [], down: [] };
      stanzas.push(current);
      continue;
    }
    if (/^auto \S+$/.test(line)) continue;
    if (!current || !raw.startsWith(" ")) throw new Error(`unexpected line outside a stanza: ${raw}`);
    const [keyword, ...rest] = line.split(/\s+/);
    const value = rest.join(" ");
    if (keyword === "address") current.address = value;
    else if (keyword === "mtu") current.mtu = Number(value);
    else if (keyword === "up") current.up.push(value);
    else if (keyword === "down") current.down.push(value);
    else throw new Error(`the lab does not know how to apply "${keyword}" in iface ${current.nic}`);
  }
  return stanzas;
}

/** `key = value` lines of a sysctl.d file. */
export function parseSysctl(text: string): [string, string][] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#") && !l.startsWith(";"))
    .map((l) => {
      const match = /^([a-z0-9_.]+)\s*=\s*(\S+)$/.exec(l);
      if (!match) throw new Error(`not a sysctl line: ${l}`);
      return [match[1], match[2]];
    });
}

let labCounter = 0;

export class RingLab {
  readonly id = `hg-ring-${process.pid}-${labCounter++}`;
  private readonly created: string[] = [];
  readonly stanzas = new Map<string, Stanza[]>();
  /** Every command the lab ran inside a namespace, for counting. */
  commands = 0;

  constructor(
    readonly plan: ClusterPlan,
    private readonly rendered: Rendered,
  ) {}

  ns(node: string): string {
    return `${this.id}-${this.plan.nodes.findIndex((n) => n.name === node)}`;
  }

  async exec(node: string, args: string[]): Promise<RunResult> {
    this.commands += 1;
    return run("ip", ["netns", "exec", this.ns(node), ...args]);
  }

  async setUp(): Promise<void> {
    for (const node of this.plan.nodes) {
      await mustRun("ip", ["netns", "add", this.ns(node.name)]);
      this.created.push(this.ns(node.name));
      await mustRun("ip", ["-n", this.ns(node.name), "link", "set", "lo", "up"]);
    }
    // As at boot: sysctl.d first.
    for (const node of this.plan.nodes) {
      const sysctl = parseSysctl(this.rendered.text(`${node.name}/files/etc/sysctl.d/90-homegarden-ring.conf`));
      for (const [key, value] of sysctl)
        await mustRun("ip", ["netns", "exec", this.ns(node.name), "sysctl", "-qw", `${key}=${value}`]);
    }
    // The cables.
    for (const link of this.plan.links) {
      await mustRun("ip", [
        "-n",
        this.ns(link.a.node),
        "link",
        "add",
        link.a.nic,
        "type",
        "veth",
        "peer",
        "name",
        link.b.nic,
        "netns",
        this.ns(link.b.node),
      ]);
    }
    // ifup, node after node (the neighbours of the first are still down when it comes up).
    for (const node of this.plan.nodes) {
      const stanzas = parseInterfaces(
        this.rendered.text(`${node.name}/files/etc/network/interfaces.d/homegarden-ring`),
      );
      this.stanzas.set(node.name, stanzas);
      for (const stanza of stanzas) await this.ifup(node.name, stanza.nic);
    }
  }

  /** What `ifup NIC` does with our stanza: mtu, address, link up, then every `up` command. */
  async ifup(node: string, nic: string): Promise<void> {
    const stanza = this.stanzas.get(node)!.find((s) => s.nic === nic)!;
    const ns = this.ns(node);
    if (stanza.mtu !== undefined) await mustRun("ip", ["-n", ns, "link", "set", nic, "mtu", String(stanza.mtu)]);
    if (stanza.address !== undefined) await mustRun("ip", ["-n", ns, "addr", "replace", stanza.address, "dev", nic]);
    await mustRun("ip", ["-n", ns, "link", "set", nic, "up"]);
    // ifupdown2 runs each `up` command with a shell and stops at the first that fails; one shell
    // for all of them here (set -e), as `ip netns exec` is slow.
    if (stanza.up.length > 0) await mustRun("ip", ["netns", "exec", ns, "sh", "-ec", stanza.up.join("\n")]);
  }

  async linkDown(node: string, nic: string): Promise<void> {
    await mustRun("ip", ["-n", this.ns(node), "link", "set", nic, "down"]);
  }

  async routes(node: string, args: string[] = []): Promise<string> {
    return mustRun("ip", ["-n", this.ns(node), "route", "show", ...args]);
  }

  /**
   * Bounded pings (`-c 1 -W 1`, optionally `-t TTL`), true where a reply came back. One shell per
   * source namespace runs its pings in parallel: `ip netns exec` is the expensive part.
   */
  async pingAll(requests: PingRequest[]): Promise<boolean[]> {
    const answers: boolean[] = new Array(requests.length).fill(false);
    const bySource = new Map<string, number[]>();
    requests.forEach((r, i) => bySource.set(r.from, [...(bySource.get(r.from) ?? []), i]));
    await Promise.all(
      [...bySource].map(async ([node, indexes]) => {
        const start = indexes
          .map((i) => {
            const { to, ttl } = requests[i];
            if (!/^[0-9.]+$/.test(to) || (ttl !== undefined && !Number.isInteger(ttl)))
              throw new Error(`bad probe ${to}`);
            return `ping -n -q -c 1 -W 1${ttl !== undefined ? ` -t ${ttl}` : ""} ${to} >/dev/null 2>&1 & p${i}=$!`;
          })
          .join("\n");
        const collect = indexes.map((i) => `wait $p${i}; echo "${i} $?"`).join("\n");
        const result = await this.exec(node, ["sh", "-c", `${start}\n${collect}`]);
        if (result.code !== 0) throw new Error(`pings from ${node} failed to run: ${result.output}`);
        for (const line of result.output.trim().split("\n")) {
          const [index, code] = line.split(" ").map(Number);
          answers[index] = code === 0;
        }
      }),
    );
    return answers;
  }

  async tearDown(): Promise<void> {
    for (const ns of this.created.splice(0)) {
      const result = await run("ip", ["netns", "del", ns]);
      if (result.code !== 0) process.stderr.write(`ring lab: could not delete netns ${ns}: ${result.output}\n`);
    }
  }
}

/** Deletes hg-ring-<pid>-* namespaces whose process is gone (a run killed mid-way). */
export function cleanupStaleRingLabs(): string[] {
  const list = spawnSync("ip", ["netns", "list"], { encoding: "utf8" });
  const removed: string[] = [];
  for (const line of (list.stdout ?? "").split("\n")) {
    const name = line.trim().split(/\s+/)[0] ?? "";
    const match = /^hg-ring-(\d+)-\d+-\d+$/.exec(name);
    if (!match) continue;
    let alive = true;
    try {
      process.kill(Number(match[1]), 0);
    } catch (error) {
      alive = (error as NodeJS.ErrnoException).code === "EPERM";
    }
    if (!alive && spawnSync("ip", ["netns", "del", name]).status === 0) removed.push(name);
  }
  return removed;
}
