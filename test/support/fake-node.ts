/**
 * Runs the real generated run.sh of every node against fake node commands (fake-node/fake.py):
 * each node gets its own --root, all share one fake cluster state (LINSTOR, pmxcfs, DRBD), and
 * every call of a fake is recorded. No real network, disk, mount or service is touched: probes
 * are answered from the fake state, and as root run.sh also runs in an empty network namespace.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { repositoryEndpoint } from "../../src/plan/checks.js";
import type { Rendered } from "./render.js";
import { tempDir } from "./render.js";

const FAKE = resolve(dirname(fileURLToPath(import.meta.url)), "fake-node", "fake.py");

/** Commands the fake answers; each is a link to fake.py in the fake bin dir. */
export const FAKE_COMMANDS = [
  "systemctl",
  "apt-get",
  "dpkg-query",
  "modprobe",
  "sysctl",
  "ifreload",
  "sleep",
  "timeout",
  "zpool",
  "mountpoint",
  "chattr",
  "lsattr",
  "blkid",
  "mkfs.ext4",
  "pvecm",
  "drbdadm",
  "linstor",
  "mv",
  "cp",
  "install",
  // Read-only probes of run.sh preflight and verify.
  "hostname",
  "pveversion",
  "arping",
  "ping",
  "ip",
  "corosync-cfgtool",
  "pvesm",
  "lsblk",
  "uname",
  "openssl",
];

/** A fake MAC for NIC number `i` of node number `n` (locally administered, never a real card). */
export function fakeMac(n: number, i: number): string {
  return `52:54:00:00:${n.toString(16).padStart(2, "0")}:${i.toString(16).padStart(2, "0")}`;
}

export interface RunOptions {
  /** Pass --any-host (default true); false runs the host name check against the fake `hostname`. */
  anyHost?: boolean;
}

export interface FakeCall {
  seq: number;
  node: string;
  cmd: string;
  argv: string[];
  mutating: boolean;
  exit: number;
  error?: string;
}

export interface RunResult {
  node: string;
  code: number;
  output: string;
}

/** Whether run.sh can be put in its own empty network namespace (root with unshare). */
export const isolatedNetwork =
  process.getuid?.() === 0 && spawnSync("unshare", ["--net", "true"], { stdio: "ignore" }).status === 0;

export class FakeCluster {
  readonly dir: string;
  readonly nodes: string[];
  private readonly bin: string;
  private readonly state: string;

  constructor(
    private readonly rendered: Rendered,
    private readonly waitTimeout = 600,
  ) {
    this.dir = tempDir("homegarden-fake-cluster-");
    this.nodes = rendered.check.plan.nodes.map((n) => n.name);
    this.bin = join(this.dir, "bin");
    this.state = join(this.dir, "state");
    mkdirSync(this.bin);
    mkdirSync(this.state);
    for (const command of FAKE_COMMANDS) symlinkSync(FAKE, join(this.bin, command));
    // The distribution's python3 (what run.sh's LINSTOR queries use on a node), not a slower shim.
    if (existsSync("/usr/bin/python3")) symlinkSync("/usr/bin/python3", join(this.bin, "python3"));
    chmodSync(FAKE, 0o755);
    // Every node and an empty LINSTOR from the start, so that a read never adds anything.
    const emptyNode = { units: {}, packages: [], zpools: {}, drbdRole: "Secondary", attrs: {}, drbdLoaded: false };
    const emptyLinstor = { nodes: {}, storagePools: {}, resourceGroups: {}, resourceDefinitions: {}, filesystems: {} };
    const initial = { nodes: Object.fromEntries(this.nodes.map((n) => [n, emptyNode])), linstor: emptyLinstor };
    writeFileSync(join(this.state, "state.json"), JSON.stringify(initial));
    const plan = rendered.check.plan;
    const nodes = Object.fromEntries(
      plan.nodes.map((n) => [
        n.name,
        {
          management: n.management.ip,
          storage: n.storage.ip,
          storageIface: n.storage.iface,
          storageCidr: n.storage.cidr,
          ring: n.ringInterfaces.map((r) => r.ip),
          corosync: n.corosyncAddresses,
          devices: n.zfs.mirror,
        },
      ]),
    );
    const vip = plan.linstor.ha.vip;
    const vips = [vip.storage, ...(vip.management ? [vip.management] : [])];
    writeFileSync(
      join(this.state, "cluster.json"),
      JSON.stringify({
        nodes,
        proxmoxRelease: plan.proxmoxRelease,
        targets: plan.versions,
        ...(plan.apt.uri !== undefined ? { repository: repositoryEndpoint(plan.apt.uri) } : {}),
        vips: vips.map((v) => v.ip),
        vipCidrs: vips.map((v) => v.cidr),
        prometheusPort: plan.prometheus ? Number(plan.prometheus.listen.split(":").pop()) : null,
      }),
    );
    for (const file of rendered.files) {
      if (!this.nodes.some((n) => file.path.startsWith(`${n}/`))) continue;
      const path = join(this.dir, "bundles", file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content, { mode: file.mode });
      chmodSync(path, file.mode);
    }
    for (const node of this.nodes) this.prepareRoot(node);
  }

  /** A freshly installed Proxmox VE node, as far as run.sh looks at it. */
  private prepareRoot(node: string): void {
    const root = this.root(node);
    const write = (path: string, content: string): void => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    };
    write("etc/network/interfaces", "auto lo\niface lo inet loopback\n\nsource /etc/network/interfaces.d/*\n");
    write("etc/apt/trusted.gpg.d/linbit-keyring.gpg", "fake keyring\n");
    // Without a newline at the end, as an editor may leave it: the drbd entry still needs an empty line before it.
    write("etc/pve/storage.cfg", "dir: local\n\tpath /var/lib/vz\n\tcontent iso,vztmpl,backup");
    // What the linstor-controller package and its first start leave behind.
    write("var/lib/linstor/linstordb.mv.db", `bootstrap controller database of ${node}\n`);
    const plan = this.rendered.check.plan;
    write("etc/os-release", `PRETTY_NAME="Debian GNU/Linux"\nVERSION_ID="${plan.proxmoxRelease + 4}"\nID=debian\n`);
    // Every NIC the config names, up, with its pinned MAC (or a fake one).
    const planned = plan.nodes.find((n) => n.name === node)!;
    planned.nics.forEach((nic, i) => {
      const dir = join(this.sysfs(node), "class", "net", nic.name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "address"), `${nic.mac ?? fakeMac(planned.index, i)}\n`);
      writeFileSync(join(dir, "operstate"), "up\n");
    });
  }

  /** The node's fake /sys (run.sh reads it through HOMEGARDEN_SYSFS). */
  sysfs(node: string): string {
    return join(this.state, "sys", node);
  }

  /** Takes a command away from every fake node (as if its package were not installed). */
  removeCommand(command: string): void {
    rmSync(join(this.bin, command));
  }

  root(node: string): string {
    return join(this.dir, "roots", node);
  }

  bundle(node: string): string {
    return join(this.dir, "bundles", node);
  }

  /** Queues a failure: the next call on NODE whose "cmd argv..." starts with PREFIX exits 1. */
  failOnce(node: string, prefix: string): void {
    this.updateState((s) => {
      const queue = (s.failOnce as unknown[]) ?? [];
      queue.push({ node, prefix });
      s.failOnce = queue;
    });
  }

  updateState(change: (state: Record<string, unknown>) => void): void {
    const path = join(this.state, "state.json");
    const state = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    change(state);
    writeFileSync(path, JSON.stringify(state));
  }

  /** The fake world, without bookkeeping (call counter, probes, queued failures). */
  fakeState(): Record<string, unknown> {
    const {
      seq: _seq,
      probes: _probes,
      failOnce: _failOnce,
      ...rest
    } = JSON.parse(readFileSync(join(this.state, "state.json"), "utf8")) as Record<string, unknown>;
    return rest;
  }

  probes(): string[] {
    return (JSON.parse(readFileSync(join(this.state, "state.json"), "utf8")).probes as string[]) ?? [];
  }

  calls(): FakeCall[] {
    const path = join(this.state, "calls.jsonl");
    if (!existsSync(path)) return [];
    return readFileSync(path, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as FakeCall);
  }

  /** Calls made from now on: `const since = cluster.mark(); ...; cluster.callsSince(since)`. */
  mark(): number {
    return this.calls().length;
  }

  callsSince(mark: number): FakeCall[] {
    return this.calls().slice(mark);
  }

  /** Starts the node's run.sh with ARGS (plus --root, --any-host and a wait timeout). */
  run(node: string, args: string[] = [], options: RunOptions = {}): Promise<RunResult> {
    const script = join(this.bundle(node), "run.sh");
    // A subcommand (preflight, verify, check) comes first; it takes no --wait-timeout.
    const [command, rest] = /^[a-z]/.test(args[0] ?? "") ? [[args[0]], args.slice(1)] : [[], args];
    const argv = [
      script,
      ...command,
      "--root",
      this.root(node),
      ...(options.anyHost === false ? [] : ["--any-host"]),
      ...(command.length ? [] : ["--wait-timeout", String(this.waitTimeout)]),
      ...rest,
    ];
    const [program, programArgs] = isolatedNetwork ? ["unshare", ["--net", "--", ...argv]] : [argv[0], argv.slice(1)];
    const child = spawn(program, programArgs, {
      env: {
        PATH: `${this.bin}:${process.env.PATH}`,
        HOME: this.dir,
        LANG: "C.UTF-8",
        FAKE_STATE: this.state,
        FAKE_NODE: node,
        FAKE_ROOT: this.root(node),
        HOMEGARDEN_SYSFS: this.sysfs(node),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    return new Promise((resolveRun, reject) => {
      child.on("error", reject);
      child.on("close", (code) => resolveRun({ node, code: code ?? -1, output }));
    });
  }

  isDone(node: string, step: string): boolean {
    return existsSync(join(this.root(node), "var/lib/homegarden", node, `${step}.done`));
  }

  /**
   * What an operator does after RUNBOOK.md: start the first node, and the others once it has
   * created the Proxmox cluster (`pvecm add` needs it); every node's waits do the rest.
   * `onExit` may start a node again (after a failure) and returns its final result.
   */
  async runAll(
    args: string[] = [],
    onExit: (result: RunResult) => Promise<RunResult> = async (r) => r,
  ): Promise<RunResult[]> {
    const [first, ...others] = this.nodes;
    const firstRun = this.run(first, args).then(onExit);
    const created = this.rendered.check.plan.steps.find((s) => s.id.endsWith("-cluster-create"))!.id;
    const deadline = Date.now() + 120_000;
    while (!this.isDone(first, created)) {
      const settled = await Promise.race([firstRun.then(() => true), sleep(100).then(() => false)]);
      if (settled && !this.isDone(first, created)) break;
      if (Date.now() > deadline) throw new Error(`${first} did not create the cluster`);
    }
    return Promise.all([firstRun, ...others.map((n) => this.run(n, args).then(onExit))]);
  }

  /** Hash of every file, link and mode under the node's root, minus run.sh's own log. */
  treeHash(node: string): string {
    const hash = createHash("sha256");
    const walk = (dir: string, rel: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        const relPath = `${rel}/${name}`;
        if (relPath === "/var/log/homegarden") continue;
        const stat = lstatSync(path);
        hash.update(`${relPath}\0${stat.mode.toString(8)}\0`);
        if (stat.isSymbolicLink()) hash.update(`-> ${readlinkSync(path).replace(this.dir, "<cluster>")}\0`);
        else if (stat.isDirectory()) walk(path, relPath);
        else hash.update(readFileSync(path));
      }
    };
    walk(this.root(node), "");
    const shared = join(this.state, "pmxcfs");
    if (existsSync(shared)) walk(shared, "/<pmxcfs>");
    return hash.digest("hex");
  }

  /** Every root's tree hash and the fake world: equal snapshots mean equal end states. */
  snapshot(): { trees: Record<string, string>; state: Record<string, unknown> } {
    return {
      trees: Object.fromEntries(this.nodes.map((n) => [n, this.treeHash(n)])),
      state: this.fakeState(),
    };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The mutating calls, as "cmd argv..." lines. */
export function mutations(calls: FakeCall[]): string[] {
  return calls.filter((c) => c.mutating).map((c) => [c.cmd, ...c.argv].join(" "));
}
