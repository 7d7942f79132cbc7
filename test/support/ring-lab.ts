/**
 * A ring cluster in network namespaces, built from a render: one namespace per node, one veth pair
 * per ring link named as the config names the NICs (or, with `cables: "bridge"`, a veth from each
 * end into a bridge), then exactly what the node's generated sysctl file and ifupdown2 stanzas
 * say, applied the way sysctl and ifup would. Optionally a management network on one bridge.
 *
 * Namespaces are named hg-ring-<pid>-<lab>-<node index>; teardown() deletes them, and
 * cleanupStaleRingLabs() removes those left by a process that died.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
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

export async function mustRun(command: string, args: string[]): Promise<string> {
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
      const match = /^([a-z0-9_./-]+)\s*=\s*(\S+)$/.exec(l);
      if (!match) throw new Error(`not a sysctl line: ${l}`);
      return [match[1], match[2]];
    });
}

/** A bridge `name`, up, in namespace `ns` (a switch, or a cable that can lose carrier). */
export async function addBridge(ns: string, name: string): Promise<void> {
  await mustRun("ip", ["-n", ns, "link", "add", name, "type", "bridge"]);
  await mustRun("ip", ["-n", ns, "link", "set", name, "up"]);
}

/** A veth from `nic` in namespace `nodeNs` to `port` on `bridge` in namespace `wiresNs` (the port up). */
export async function plugIn(
  nodeNs: string,
  nic: string,
  wiresNs: string,
  port: string,
  bridge: string,
): Promise<void> {
  await mustRun("ip", ["-n", nodeNs, "link", "add", nic, "type", "veth", "peer", "name", port, "netns", wiresNs]);
  await mustRun("ip", ["-n", wiresNs, "link", "set", port, "master", bridge]);
  await mustRun("ip", ["-n", wiresNs, "link", "set", port, "up"]);
}

export interface Probe {
  from: string;
  to: string;
  owner: string;
  link: number;
}

/** Every (node, ring address of another node). */
export function probesOf(plan: ClusterPlan): Probe[] {
  return plan.nodes.flatMap((node) =>
    plan.links.flatMap((link) =>
      [link.a, link.b]
        .filter((end) => end.node !== node.name)
        .map((end) => ({ from: node.name, to: end.ip, owner: end.node, link: link.index })),
    ),
  );
}

let labCounter = 0;

/** A sysctl key as its /proc/sys path: dots are separators, unless the key is written with slashes. */
export function sysctlPath(key: string): string {
  return `/proc/sys/${key.includes("/") ? key : key.replaceAll(".", "/")}`;
}

export interface LabOptions {
  /** How a ring cable is built: a veth pair, or each end a veth into a bridge (so that a cut only takes carrier away). */
  cables?: "veth" | "bridge";
  /** Also a management network: every node's management NIC and address on one bridge (the switch). */
  management?: boolean;
}

export interface UdpProbe {
  from: string;
  /** The sender's own address (it binds to it). */
  source: string;
  to: string;
}

/**
 * One per node, for its whole life: echoes every UDP datagram sent to port 5405 of the addresses it
 * is given (as corosync listens), and answers probe requests read from stdin, one per line:
 * "ID SOURCE DEST SOURCE DEST ..." sends a datagram from each exact SOURCE (bound to it) to DEST
 * port 5405, and prints "ID i j ..." with the indexes whose echo came back (three tries, 0.25 s each).
 */
const KNET_AGENT = `
import socket, select, sys, threading, time
echo = []
for a in sys.argv[1:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a, 5405))
    echo.append(s)
def serve():
    while True:
        for s in select.select(echo, [], [])[0]:
            try:
                data, peer = s.recvfrom(2048)
                s.sendto(data, peer)
            except OSError:
                pass
threading.Thread(target=serve, daemon=True).start()
print("ready", flush=True)
for line in sys.stdin:
    words = line.split()
    ident, args = words[0], words[1:]
    socks = {}
    for i in range(0, len(args), 2):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((args[i], 0))
        socks[s] = (i // 2, args[i + 1])
    answered = set()
    for attempt in range(3):
        for s, (i, to) in socks.items():
            if i not in answered:
                try:
                    s.sendto(b"knet %d" % i, (to, 5405))
                except OSError:
                    pass
        end = time.time() + 0.25
        while time.time() < end and len(answered) < len(socks):
            for s in select.select(list(socks), [], [], max(0, end - time.time()))[0]:
                try:
                    data, peer = s.recvfrom(2048)
                except OSError:
                    continue
                i, to = socks[s]
                if peer[0] == to and data == b"knet %d" % i:
                    answered.add(i)
        if len(answered) == len(socks):
            break
    for s in socks:
        s.close()
    print(ident, *sorted(answered), flush=True)
`;

interface KnetAgent {
  child: ChildProcess;
  /** Resolvers of the requests sent and not yet answered, by request id. */
  waiting: Map<string, (indexes: number[]) => void>;
}

export class RingLab {
  readonly id = `hg-ring-${process.pid}-${labCounter++}`;
  private readonly created: string[] = [];
  private readonly agents = new Map<string, KnetAgent>();
  private requests = 0;
  readonly stanzas = new Map<string, Stanza[]>();
  /** Every command the lab ran inside a namespace, for counting. */
  commands = 0;

  constructor(
    readonly plan: ClusterPlan,
    private readonly rendered: Rendered,
    readonly options: LabOptions = {},
  ) {}

  /** The namespace of the cables' bridges and the management switch. */
  get wires(): string {
    return `${this.id}-w`;
  }

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
    const bridged = this.options.cables === "bridge" || this.options.management;
    if (bridged) {
      await mustRun("ip", ["netns", "add", this.wires]);
      this.created.push(this.wires);
    }
    // The cables.
    for (const link of this.plan.links) {
      if (this.options.cables === "bridge") {
        await this.addBridge(`c${link.index}`);
        await this.plugIn(link.a.node, link.a.nic, `c${link.index}a`, `c${link.index}`);
        await this.plugIn(link.b.node, link.b.nic, `c${link.index}b`, `c${link.index}`);
      } else {
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
    }
    // Then the sysctl file, as systemd-sysctl applies it at boot with the NICs already there. Each
    // ring NIC first gets send_redirects=1 set explicitly, as anything before may have left it: the
    // kernel then no longer copies "default" to it, and only the NIC's own line can turn it off.
    for (const link of this.plan.links)
      for (const end of [link.a, link.b])
        await this.writeSysctl(end.node, `net/ipv4/conf/${end.nic}/send_redirects`, "1");
    for (const node of this.plan.nodes) {
      const sysctl = parseSysctl(this.rendered.text(`${node.name}/files/etc/sysctl.d/90-homegarden-ring.conf`));
      for (const [key, value] of sysctl) await this.writeSysctl(node.name, key, value);
    }
    if (this.options.management) {
      await this.addBridge("mgmt");
      for (const node of this.plan.nodes) {
        const port = `m${node.index}`;
        await this.plugIn(node.name, node.management.iface, port, "mgmt");
        const ns = this.ns(node.name);
        await mustRun("ip", ["-n", ns, "addr", "add", node.management.cidr, "dev", node.management.iface]);
        await mustRun("ip", ["-n", ns, "link", "set", node.management.iface, "up"]);
      }
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

  private async writeSysctl(node: string, key: string, value: string): Promise<void> {
    await mustRun("ip", ["netns", "exec", this.ns(node), "sh", "-c", `echo "$1" > "$2"`, "sh", value, sysctlPath(key)]);
  }

  /** A sysctl value as the kernel has it now. */
  async readSysctl(node: string, key: string): Promise<string> {
    return (await mustRun("ip", ["netns", "exec", this.ns(node), "cat", sysctlPath(key)])).trim();
  }

  private async addBridge(name: string): Promise<void> {
    await addBridge(this.wires, name);
  }

  private async plugIn(node: string, nic: string, port: string, bridge: string): Promise<void> {
    await plugIn(this.ns(node), nic, this.wires, port, bridge);
  }

  /** Takes the carrier away from bridge ports (as a pulled cable or a dead switch port does); the NICs stay up. */
  async portsDown(ports: string[]): Promise<void> {
    for (const port of ports) await mustRun("ip", ["-n", this.wires, "link", "set", port, "down"]);
  }

  async portsUp(ports: string[]): Promise<void> {
    for (const port of ports) await mustRun("ip", ["-n", this.wires, "link", "set", port, "up"]);
  }

  /** Starts each node's knet agent, echoing on port 5405 of the node's given addresses (stopped by tearDown). */
  async startKnetAgents(addresses: Map<string, string[]>): Promise<void> {
    await Promise.all(
      [...addresses].map(
        ([node, list]) =>
          new Promise<void>((resolve, reject) => {
            const child = spawn("ip", ["netns", "exec", this.ns(node), "python3", "-u", "-c", KNET_AGENT, ...list], {
              stdio: ["pipe", "pipe", "pipe"],
            });
            const agent: KnetAgent = { child, waiting: new Map() };
            this.agents.set(node, agent);
            let buffered = "";
            let errors = "";
            child.stdout!.on("data", (d: Buffer) => {
              buffered += d.toString();
              let newline: number;
              while ((newline = buffered.indexOf("\n")) >= 0) {
                const [ident, ...indexes] = buffered.slice(0, newline).trim().split(" ");
                buffered = buffered.slice(newline + 1);
                if (ident === "ready") resolve();
                else {
                  agent.waiting.get(ident)?.(indexes.map(Number));
                  agent.waiting.delete(ident);
                }
              }
            });
            child.stderr!.on("data", (d: Buffer) => (errors += d.toString()));
            child.on("exit", (code) => {
              const error = new Error(`knet agent on ${node} exited ${code}: ${errors}`);
              reject(error);
              for (const fail of agent.waiting.values()) fail([]);
              agent.waiting.clear();
            });
          }),
      ),
    );
  }

  /** One UDP exchange per probe, from its exact source address to its exact destination; true where the echo came back. */
  async udpAll(probes: UdpProbe[]): Promise<boolean[]> {
    const answers: boolean[] = new Array(probes.length).fill(false);
    const bySource = new Map<string, number[]>();
    probes.forEach((p, i) => bySource.set(p.from, [...(bySource.get(p.from) ?? []), i]));
    await Promise.all(
      [...bySource].map(async ([node, indexes]) => {
        const agent = this.agents.get(node);
        if (!agent) throw new Error(`no knet agent on ${node}`);
        const ident = `r${this.requests++}`;
        const answered = await new Promise<number[]>((resolve) => {
          agent.waiting.set(ident, resolve);
          const words = indexes.flatMap((i) => [probes[i].source, probes[i].to]);
          if (!words.every((w) => /^[0-9.]+$/.test(w))) throw new Error(`bad probe address in ${words.join(" ")}`);
          agent.child.stdin!.write(`${ident} ${words.join(" ")}\n`);
        });
        for (const k of answered) answers[indexes[k]] = true;
      }),
    );
    return answers;
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
    for (const agent of this.agents.values()) {
      agent.child.removeAllListeners("exit");
      agent.child.kill("SIGKILL");
    }
    this.agents.clear();
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
    const match = /^hg-ring-(\d+)-\d+-(\d+|w)$/.exec(name);
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
