/**
 * The VIP follows the LINSTOR controller, live: keepalived with each node's generated config, in one
 * network namespace per node on a shared storage network (a bridge), root only (CI runs as root).
 *
 * The track script is the one thing changed: it points at a file the test creates where the
 * controller "runs" (as check_linstor.sh asks systemd whether linstor-controller is active). The
 * VIP holders are sampled every 100 ms the whole time; at no sample may two nodes hold the VIP, and:
 * - with no controller anywhere, nobody holds it (also in keepalived's first seconds);
 * - the controller starts on one node: that node gets the VIP;
 * - it dies there and starts on another (stop, then start, as drbd-reactor's promoter moves it):
 *   the VIP moves to the new node.
 * The `ocf` variant (drbd-reactor's IPaddr2 resource agents) needs drbd-reactor and the
 * resource-agents package running a promoter, which this test cannot run here.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ClusterPlan } from "../src/plan/plan.js";
import { writeConfig } from "./support/configs.js";
import { renderConfig, type Rendered } from "./support/render.js";
import { ringConfigSource } from "./support/ring-configs.js";
import { addBridge, cleanupStaleRingLabs, mustRun, plugIn, run } from "./support/ring-lab.js";
import { haveCommand, haveRoot } from "./support/validators.js";

const CAN_RUN = haveRoot() && haveCommand("ip") && haveCommand("keepalived");
if (!CAN_RUN) console.warn("NOT ROOT (or no keepalived): the VIP failover proof is SKIPPED here; CI runs it as root");
const rootTest = CAN_RUN ? test : test.skip;

const TRACK_SCRIPT = 'script "/usr/local/bin/check_linstor.sh"';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

class VipLab {
  readonly id = `hg-ring-${process.pid}-9`;
  /** Root-owned and not writable by others, as keepalived's script security asks of a script's path. */
  readonly dir = `/run/hg-vip-${process.pid}`;
  private readonly daemons: ChildProcess[] = [];
  private readonly created: string[] = [];
  private readonly logs = new Map<string, string>();

  constructor(
    readonly plan: ClusterPlan,
    private readonly rendered: Rendered,
  ) {}

  ns(index: number): string {
    return `${this.id}-${index}`;
  }

  get wires(): string {
    return `${this.id}-w`;
  }

  async setUp(): Promise<void> {
    mkdirSync(this.dir, { mode: 0o755, recursive: true });
    chmodSync(this.dir, 0o755);
    await mustRun("ip", ["netns", "add", this.wires]);
    this.created.push(this.wires);
    await addBridge(this.wires, "storage");
    for (const node of this.plan.nodes) {
      const ns = this.ns(node.index);
      await mustRun("ip", ["netns", "add", ns]);
      this.created.push(ns);
      await mustRun("ip", ["-n", ns, "link", "set", "lo", "up"]);
      const port = `s${node.index}`;
      await plugIn(ns, node.storage.iface, this.wires, port, "storage");
      await mustRun("ip", ["-n", ns, "addr", "add", node.storage.cidr, "dev", node.storage.iface]);
      await mustRun("ip", ["-n", ns, "link", "set", node.storage.iface, "up"]);
      const check = join(this.dir, `check-${node.name}.sh`);
      writeFileSync(check, `#!/bin/sh\nexec test -e ${join(this.dir, `active-${node.name}`)}\n`, { mode: 0o755 });
      const conf = this.rendered.text(`${node.name}/files/etc/keepalived/keepalived.conf`);
      if (conf.split(TRACK_SCRIPT).length !== 2) throw new Error(`${node.name}: the track script line changed`);
      writeFileSync(join(this.dir, `${node.name}.conf`), conf.replace(TRACK_SCRIPT, `script "${check}"`), {
        mode: 0o600,
      });
    }
  }

  startKeepalived(): void {
    for (const node of this.plan.nodes) {
      const pid = (what: string): string => join(this.dir, `${node.name}-${what}.pid`);
      const child = spawn(
        "ip",
        ["netns", "exec", this.ns(node.index), "keepalived", "--dont-fork", "--log-console", "--vrrp"].concat([
          "-f",
          join(this.dir, `${node.name}.conf`),
          "-p",
          pid("main"),
          "-r",
          pid("vrrp"),
          "-c",
          pid("checkers"),
        ]),
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      this.logs.set(node.name, "");
      const keep = (d: Buffer): void => void this.logs.set(node.name, this.logs.get(node.name)! + d.toString());
      child.stdout!.on("data", keep);
      child.stderr!.on("data", keep);
      this.daemons.push(child);
    }
  }

  /** The controller runs on `node` (its track script succeeds), or stops there. */
  controller(node: string, running: boolean): void {
    const file = join(this.dir, `active-${node}`);
    if (running) writeFileSync(file, "");
    else rmSync(file, { force: true });
  }

  /** The nodes whose storage NIC holds the VIP now. */
  async holders(): Promise<string[]> {
    const vip = this.plan.linstor.ha.vip.storage.cidr;
    const held = await Promise.all(
      this.plan.nodes.map(async (node) => {
        const out = await mustRun("ip", [
          "-n",
          this.ns(node.index),
          "-o",
          "-4",
          "addr",
          "show",
          "dev",
          node.storage.iface,
        ]);
        return out.includes(` ${vip} `) ? node.name : undefined;
      }),
    );
    return held.filter((n): n is string => n !== undefined);
  }

  log(): string {
    return [...this.logs].map(([node, text]) => `--- ${node}\n${text.split("\n").slice(-15).join("\n")}`).join("\n");
  }

  async tearDown(): Promise<void> {
    for (const child of this.daemons.splice(0)) child.kill("SIGKILL");
    await sleep(200);
    for (const ns of this.created.splice(0)) await run("ip", ["netns", "del", ns]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe("the VIP follows the LINSTOR controller (keepalived in namespaces)", () => {
  beforeAll(() => {
    if (CAN_RUN) cleanupStaleRingLabs();
  });

  rootTest(
    "never two holders; nobody without a controller; the controller's node once it runs; it moves with it",
    async () => {
      const { file } = writeConfig(ringConfigSource({ nodes: 3, topology: "ring", routing: "routed" }));
      const rendered = await renderConfig(file);
      const plan = rendered.check.plan;
      const lab = new VipLab(plan, rendered);
      const samples: { at: string; holders: string[] }[] = [];
      /** Samples the holders every 100 ms for `ms`; returns the last sample. */
      const watch = async (at: string, ms: number, until?: (holders: string[]) => boolean): Promise<string[]> => {
        const end = Date.now() + ms;
        let holders: string[] = [];
        while (Date.now() < end) {
          holders = await lab.holders();
          samples.push({ at, holders });
          if (until?.(holders)) break;
          await sleep(100);
        }
        return holders;
      };
      try {
        await lab.setUp();
        lab.startKeepalived();
        // No controller anywhere: keepalived's first seconds included, nobody takes the VIP.
        expect(await watch("no controller", 8000)).toEqual([]);
        expect(samples.filter((s) => s.holders.length > 0)).toEqual([]);

        const [first, second] = [plan.nodes[2].name, plan.nodes[0].name];
        lab.controller(first, true);
        const gotIt = await watch(`controller on ${first}`, 10_000, (h) => h.length === 1 && h[0] === first);
        expect({ holders: gotIt, log: gotIt.length === 1 ? "" : lab.log() }).toEqual({ holders: [first], log: "" });
        await watch(`controller on ${first}, steady`, 3000);

        lab.controller(first, false);
        const released = await watch(`controller stopped on ${first}`, 10_000, (h) => h.length === 0);
        expect(released).toEqual([]);
        lab.controller(second, true);
        const moved = await watch(`controller on ${second}`, 10_000, (h) => h.length === 1 && h[0] === second);
        expect({ holders: moved, log: moved.length === 1 ? "" : lab.log() }).toEqual({ holders: [second], log: "" });
        await watch(`controller on ${second}, steady`, 3000);

        const twoAtOnce = samples.filter((s) => s.holders.length > 1);
        expect(twoAtOnce).toEqual([]);
        const wrongHolder = samples.filter(
          (s) =>
            s.holders.length === 1 &&
            !s.at.includes(`on ${s.holders[0]}`) &&
            !s.at.startsWith(`controller stopped on ${s.holders[0]}`),
        );
        expect(wrongHolder).toEqual([]);
      } finally {
        await lab.tearDown();
      }
    },
    90_000,
  );
});
