/**
 * The generated run.sh of every node of the example, run for real against fake node commands
 * (test/support/fake-node.ts): seed order, idempotence, resume after a failure, dry runs, the
 * controller-database migration's refusals, cross-node waits, and RUNBOOK.md's step table.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FakeCluster, isolatedNetwork, mutations, type FakeCall, type RunResult } from "./support/fake-node.js";
import { exampleWith, writeConfig } from "./support/configs.js";
import { renderConfig, type Rendered } from "./support/render.js";
import { appliesTo, firstOccurrences, seedCommands, signature } from "./support/seed-order.js";

if (!isolatedNetwork) {
  console.warn("NOT ROOT: run.sh runs without its own network namespace here (its TCP probe is faked either way)");
}

function expectFinished(results: RunResult[]): void {
  for (const r of results) {
    if (r.code !== 0) throw new Error(`run.sh on ${r.node} exited ${r.code}:\n${r.output}`);
    expect(r.output).toContain(`== ${r.node}: finished`);
  }
}

function stepIds(rendered: Rendered, node: string): string[] {
  const plan = rendered.check.plan;
  const planned = plan.nodes.find((n) => n.name === node)!;
  return plan.steps.filter((s) => s.scope === "all" || (s.scope === "first") === planned.isFirst).map((s) => s.id);
}

function signatures(calls: FakeCall[], node: string): string[] {
  return calls
    .filter((c) => c.node === node && c.mutating)
    .map((c) => signature([c.cmd, ...c.argv]))
    .filter((s): s is string => s !== null);
}

/** Seed commands we leave out on purpose, each with the reason (shared/DESIGN.md, facts file). */
const LEFT_OUT: Record<string, string> = {
  "systemctl enable linstor-controller.service": "never enabled: drbd-reactor starts the controller",
  "systemctl edit linstor-satellite.service": "a drop-in file is installed instead of an interactive edit",
  "systemctl restart pve-cluster.service": "pmxcfs needs no restart for a storage plugin; the daemons that use it do",
  // The packages enable and start these units on install, so run.sh finds nothing to do:
  "systemctl enable drbd-reactor.service": "enabled by its package",
  "systemctl enable keepalived.service": "enabled by its package",
  "systemctl start keepalived.service": "started by its package, restarted once its configuration is in place",
  "chattr +i":
    "dropped, as LINBIT's guide and Ansible role dropped it: the controller is stopped and disabled off the DRBD mount",
};
/** Seed commands run at a different moment on purpose. */
const MOVED: Record<string, string> = {
  "systemctl restart linstor-satellite.service": "restarted right after its drop-in is installed, not at the end",
  "systemctl disable linstor-controller.service":
    "on the standbys, right after the packages: their package-started controller is never reachable",
  "systemctl stop linstor-controller.service": "on the standbys, right after the packages, as the disable",
  "zpool create": "before the satellite starts, so that LINSTOR never commits a storage pool in error",
};

type Snapshot = ReturnType<FakeCluster["snapshot"]>;
interface WholeRun {
  cluster: FakeCluster;
  results: RunResult[];
  calls: FakeCall[];
  /** Taken right after the run, before any test changes the cluster. */
  snapshot: Snapshot;
}
let wholeRun: Promise<WholeRun> | undefined;
/** One uninterrupted run of the whole cluster from scratch, shared by the tests that need one. */
function uninterruptedRun(): Promise<WholeRun> {
  wholeRun ??= (async () => {
    const cluster = new FakeCluster(await renderConfig());
    const results = await cluster.runAll();
    return { cluster, results, calls: cluster.calls(), snapshot: cluster.snapshot() };
  })();
  return wholeRun;
}
afterAll(async () => (await wholeRun)?.cluster.cleanup());

describe("run.sh on fake nodes: a whole cluster from scratch", () => {
  let rendered: Rendered;
  let cluster: FakeCluster;
  let first: RunResult[];
  let firstCalls: FakeCall[];

  beforeAll(async () => {
    rendered = await renderConfig();
    ({ cluster, results: first, calls: firstCalls } = await uninterruptedRun());
  });

  test("every node finishes every one of its steps", () => {
    expectFinished(first);
    for (const node of cluster.nodes) {
      for (const step of stepIds(rendered, node)) expect(cluster.isDone(node, step)).toBe(true);
    }
  });

  test("the fake cluster ends in the state the seed builds, with the seed's mistakes corrected", () => {
    const state = cluster.fakeState() as any;
    const names = cluster.nodes;
    expect(Object.keys(state.linstor.nodes).sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(state.linstor.nodes[name].props).toEqual({ "DrbdOptions/AutoEvictAllowEviction": "false" });
      expect(state.linstor.storagePools[`${name}/sto-pool_zfs-01`]).toMatchObject({ zpool: "pool-nvme-01" });
      expect(state.nodes[name].zpools["pool-nvme-01"]).toEqual(["mirror", "/dev/nvme0n1", "/dev/nvme1n1"]);
      // The controller is disabled everywhere and runs only where drbd-reactor put it.
      expect(state.nodes[name].units["linstor-controller.service"].enabled).toBe(false);
      expect(state.nodes[name].units["drbd-reactor.service"]).toEqual({ enabled: true, active: true });
      expect(state.nodes[name].units["keepalived.service"]).toEqual({ enabled: true, active: true });
      // No chattr +i (LINBIT dropped it): nothing is immutable.
      expect(state.nodes[name].attrs).toEqual({});
    }
    expect(state.linstor.resourceGroups["res-gr_pve"]).toMatchObject({
      volumeGroups: [0],
      filter: { storage_pool: "sto-pool_zfs-01", place_count: 2, diskless_on_remaining: true },
    });
    expect(state.linstor.resourceGroups["linstor-db-grp"]).toMatchObject({
      volumeGroups: [0],
      filter: { place_count: 3 },
      props: {
        "DrbdOptions/Resource/auto-promote": "no",
        "DrbdOptions/Resource/quorum": "majority",
        "DrbdOptions/Resource/on-no-quorum": "io-error",
        "DrbdOptions/Resource/on-suspended-primary-outdated": "force-secondary",
        "DrbdOptions/Resource/on-no-data-accessible": "io-error",
      },
    });
    expect(state.linstor.resourceDefinitions.linstor_db).toMatchObject({ group: "linstor-db-grp", size: "200M" });
    expect(state.linstor.filesystems).toEqual({ linstor_db: "ext4" });
    expect(state.nodes.pivoine.drbdRole).toBe("Primary");
    expect(state.nodes.pivoine.units["var-lib-linstor.mount"].active).toBe(true);
    expect(state.nodes.pivoine.units["linstor-controller.service"].active).toBe(true);
    for (const other of ["petunia", "dahlia"]) {
      expect(state.nodes[other].units["linstor-controller.service"].active).toBe(false);
      expect(state.nodes[other].drbdRole).toBe("Secondary");
    }
    expect(state.pve).toMatchObject({ founder: "pivoine", members: [...names].sort() });
    // The bootstrap database went onto the DRBD filesystem, the original kept aside.
    const root = cluster.root("pivoine");
    expect(readFileSync(join(root, "var/lib/linstor/linstordb.mv.db"), "utf8")).toContain("of pivoine");
    expect(readFileSync(join(root, "var/lib/linstor.orig/linstordb.mv.db"), "utf8")).toContain("of pivoine");
  });

  test("storage.cfg (cluster-wide) gets the drbd entry exactly once", () => {
    for (const node of cluster.nodes) {
      const cfg = readFileSync(join(cluster.root(node), "etc/pve/storage.cfg"), "utf8");
      expect(cfg.match(/^drbd: linstor$/gm)).toHaveLength(1);
      // The plugin's parser needs an empty line before each entry.
      expect(cfg).toMatch(/\n\ndrbd: linstor\n/);
      expect(cfg).toMatch(/^dir: local$/m);
    }
  });

  test.each(["pivoine", "petunia", "dahlia"])("%s's recorded commands follow the seed's order", (node) => {
    const isFirst = node === cluster.nodes[0];
    const seed = firstOccurrences(
      seedCommands()
        .filter((c) => appliesTo(c.scope, isFirst))
        .map((c) => c.signature),
    );
    const ours = firstOccurrences(signatures(firstCalls, node));
    const compared = seed.filter((s) => ours.includes(s) && !(s in MOVED));
    expect(ours.filter((s) => compared.includes(s))).toEqual(compared);
    // Nothing of the seed is silently dropped: what is missing is exactly the documented list.
    const missing = seed.filter((s) => !ours.includes(s));
    expect(missing.filter((s) => !(s in LEFT_OUT))).toEqual([]);
    expect(compared.length).toBeGreaterThanOrEqual(isFirst ? 17 : 5);
    if (isFirst) {
      expect(compared).toEqual(
        expect.arrayContaining([
          "linstor node create",
          "linstor node set-property",
          "linstor storage-pool create",
          "linstor resource-group create",
          "linstor resource-group drbd-options",
          "linstor resource-group spawn-resources",
          "mv /var/lib/linstor",
          "drbdadm primary",
          "mkfs.ext4",
          "systemctl start var-lib-linstor.mount",
          "cp /var/lib/linstor.orig",
          "systemctl start linstor-controller.service",
        ]),
      );
      // The zpool exists before LINSTOR ever hears of this node's storage pool.
      expect(ours.indexOf("zpool create")).toBeGreaterThanOrEqual(0);
      expect(ours.indexOf("zpool create")).toBeLessThan(ours.indexOf("linstor node create"));
    } else {
      expect(compared).toEqual(expect.arrayContaining(["apt install keepalived"]));
      expect(ours).toContain("systemctl disable linstor-controller.service");
    }
  });

  test("until the database is on DRBD, the first node's LINSTOR client asks its own controller only", () => {
    const own = rendered.check.plan.nodes[0].storage.ip;
    const calls = firstCalls.filter((c) => c.node === "pivoine");
    const copied = calls.findIndex((c) => c.cmd === "cp" && c.argv.some((a) => a.endsWith("linstor.orig/.")));
    expect(copied).toBeGreaterThan(0);
    // Only the read of the HA mark asks every candidate: a controller already running elsewhere must see it.
    const before = calls.slice(0, copied).filter((c) => c.cmd === "linstor" && !c.argv.includes("list-properties"));
    expect(before.length).toBeGreaterThan(10);
    for (const c of before) expect(c.argv.slice(0, 2)).toEqual(["--controllers", own]);
  });

  test("joins go one at a time: dahlia, started with petunia, joins only once petunia is a member", () => {
    const joins = firstCalls.filter((c) => c.cmd === "pvecm" && c.argv[0] === "add");
    expect(joins.map((c) => [c.node, c.exit])).toEqual([
      ["petunia", 0],
      ["dahlia", 0],
    ]);
    const [petuniaJoin, dahliaJoin] = joins;
    // dahlia joined only after it saw petunia's API certificate come from the cluster's CA, which
    // the fake gives petunia once its join has settled (its next command after pvecm add).
    const between = firstCalls.filter((c) => c.seq > petuniaJoin.seq && c.seq < dahliaJoin.seq);
    expect(between.some((c) => c.node === "petunia")).toBe(true);
    expect(between.some((c) => c.node === "dahlia" && c.cmd === "timeout" && c.argv[1] === "openssl")).toBe(true);
    // petunia, the first joiner, never checked another joiner.
    expect(firstCalls.some((c) => c.node === "petunia" && c.cmd === "timeout" && c.argv[1] === "openssl")).toBe(false);
  });

  test("no standby starts its promoter before the first node's promoter runs the controller (Aux/ClusterIsHA)", () => {
    const calls = firstCalls;
    const marked = calls.find(
      (c) => c.cmd === "linstor" && c.argv.includes("set-property") && c.argv.includes("Aux/ClusterIsHA"),
    );
    expect(marked?.node).toBe("pivoine");
    for (const node of ["petunia", "dahlia"]) {
      const started = calls.filter(
        (c) =>
          c.node === node && c.cmd === "systemctl" && c.argv.some((a) => a.startsWith("drbd-reactor")) && c.mutating,
      );
      expect(started.length).toBeGreaterThan(0);
      for (const c of started) expect(c.seq).toBeGreaterThan(marked!.seq);
    }
  });

  test("waits were answered by the fakes: every TCP probe went to a fake, for the plan's addresses only", () => {
    const plan = rendered.check.plan;
    const allowed = new Set([
      `${plan.nodes[0].management.ip}:8006`,
      `${plan.nodes[0].storage.ip}:3370`,
      // The LINBIT repository, which preflight checks is reachable.
      "packages.linbit.com:443",
      ...plan.nodes.map((n) => `${n.storage.ip}:3366`),
    ]);
    const probes = cluster.probes();
    expect(probes.length).toBeGreaterThanOrEqual(cluster.nodes.length - 1 + cluster.nodes.length);
    for (const probe of probes) expect(allowed.has(probe)).toBe(true);
    // The cross-node waits that had to wait said so, naming the other node's step.
    const outputs = first.map((r) => r.output).join("\n");
    expect(outputs).toMatch(/waiting for .* \(step \d\d-[a-z-]+ on \w+\)/);
  });

  test("a second run skips every step and issues no mutating command", async () => {
    const since = cluster.mark();
    const before = cluster.snapshot();
    const results = await Promise.all(cluster.nodes.map((n) => cluster.run(n)));
    expectFinished(results);
    for (const r of results) {
      for (const step of stepIds(rendered, r.node)) expect(r.output).toContain(`== ${step}: done before, skipped`);
    }
    expect(mutations(cluster.callsSince(since))).toEqual([]);
    expect(cluster.snapshot()).toEqual(before);
  });

  test("forcing every step again (--from the first) finds everything in place and changes nothing", async () => {
    const since = cluster.mark();
    const before = cluster.snapshot();
    const results = await Promise.all(cluster.nodes.map((n) => cluster.run(n, ["--from", "01"])));
    expectFinished(results);
    expect(mutations(cluster.callsSince(since))).toEqual([]);
    expect(cluster.snapshot()).toEqual(before);
    // Every step really ran its checks (not skipped as done).
    for (const r of results) expect(r.output).not.toContain("done before, skipped");
  });

  test("--dry-run on the finished cluster prints no command to run", async () => {
    const results = await Promise.all(cluster.nodes.map((n) => cluster.run(n, ["--dry-run", "--from", "01"])));
    expectFinished(results);
    for (const r of results) expect(r.output).not.toMatch(/^\+ /m);
  });

  test("with its state lost, the first node reads the HA mark in LINSTOR and never migrates again", async () => {
    rmSync(join(cluster.root("pivoine"), "var/lib/homegarden/pivoine/16-controller-db-migrate.done"));
    const since = cluster.mark();
    const before = cluster.snapshot();
    const result = await cluster.run("pivoine", ["--only", "controller-db-migrate"]);
    expect(result.code).toBe(0);
    expect(result.output).toContain(
      "the controller is highly available already (Aux/ClusterIsHA is set): the database was moved onto DRBD before",
    );
    expect(mutations(cluster.callsSince(since))).toEqual([]);
    expect(cluster.snapshot().state).toEqual(before.state);
    expect(cluster.isDone("pivoine", "16-controller-db-migrate")).toBe(true);
  });

  test("the migration refuses when /var/lib/linstor is already a mount (state and HA mark lost) and changes nothing", async () => {
    rmSync(join(cluster.root("pivoine"), "var/lib/homegarden/pivoine/16-controller-db-migrate.done"));
    cluster.updateState((s: any) => {
      delete s.linstor.controllerProps["Aux/ClusterIsHA"];
    });
    const since = cluster.mark();
    const before = cluster.snapshot();
    const result = await cluster.run("pivoine", ["--only", "controller-db-migrate"]);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/var\/lib\/linstor is already a mount point: .*refusing to migrate again/);
    expect(mutations(cluster.callsSince(since))).toEqual([]);
    expect(cluster.snapshot()).toEqual(before);
  });

  test("the migration refuses when the DRBD device already holds a filesystem", async () => {
    // Unmounted (say drbd-reactor moved the controller away), but formatted.
    cluster.updateState((s: any) => {
      s.nodes.pivoine.units["var-lib-linstor.mount"].active = false;
    });
    const since = cluster.mark();
    const result = await cluster.run("pivoine", ["--only", "16"]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("/dev/drbd/by-res/linstor_db/0 already holds a filesystem: refusing to format it");
    expect(mutations(cluster.callsSince(since))).toEqual([]);
  });
});

describe("run.sh's wait messages", () => {
  test("waiting for quorum names the nodes that still have to join, never the first node (it creates the cluster)", async () => {
    const rendered = await renderConfig();
    const named = (node: string): string =>
      /wait_for "quorum of the Proxmox cluster \(pvecm status\)" (.+) 03-cluster-join pmxcfs_quorate/.exec(
        rendered.text(`${node}/run.sh`),
      )![1];
    expect([named("pivoine"), named("petunia"), named("dahlia")]).toEqual(["'petunia, dahlia'", "dahlia", "petunia"]);
  });
});

describe("run.sh's cluster join", () => {
  const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).padStart(2, "0")).join(":");

  test("with proxmox.fingerprint, pvecm add trusts the first node's certificate by it (only the password is asked)", async () => {
    const { file } = writeConfig(
      exampleWith("proxmox: { release: 9 },", `proxmox: { release: 9, fingerprint: "${FINGERPRINT}" },`),
    );
    const rendered = await renderConfig(file);
    for (const node of ["petunia", "dahlia"]) {
      const text = rendered.text(`${node}/run.sh`);
      expect(text).toMatch(
        new RegExp(
          `run pvecm add 10\\.100\\.3\\.101 --link0 \\S+ --link1 \\S+ --fingerprint ${FINGERPRINT.toUpperCase()}\n`,
        ),
      );
      expect(text).toContain("# pvecm asks for pivoine's root password; its certificate is trusted by fingerprint.");
    }
  });

  test("without it, the comment says pvecm also asks to confirm the fingerprint", async () => {
    const text = (await renderConfig()).text("petunia/run.sh");
    expect(text).toMatch(/run pvecm add 10\.100\.3\.101 --link0 \S+ --link1 \S+\n/);
    expect(text).toContain("and to confirm its certificate fingerprint");
  });
});

describe("run.sh on fake nodes: no rogue controller", () => {
  test("a standby stops and disables its package-started controller in the packages step, before any LINSTOR call", async () => {
    const whole = await uninterruptedRun();
    const steps = stepIds(await renderConfig(), "petunia");
    for (const node of ["petunia", "dahlia"]) {
      const calls = whole.calls.filter((c) => c.node === node);
      const index = (cmd: string, ...argv: string[]): number =>
        calls.findIndex((c) => c.cmd === cmd && argv.every((a, i) => c.argv[i] === a));
      const installed = index("apt-get", "install");
      const disabled = index("systemctl", "disable", "linstor-controller.service");
      const stopped = index("systemctl", "stop", "linstor-controller.service");
      // Step 09 restarts the satellite once its drop-in is in place.
      const satellite = index("systemctl", "restart", "linstor-satellite.service");
      expect({
        node,
        order: 0 <= installed && installed < disabled && installed < stopped && stopped < satellite,
      }).toEqual({
        node,
        order: true,
      });
    }
    expect(steps).toContain("05-packages");
  });
});

describe("run.sh on fake nodes: the controller database is never copied over twice", () => {
  test("interrupted after the copy, while the controller ran from DRBD and changed it: the rerun keeps it", async () => {
    const cluster = new FakeCluster(await renderConfig());
    try {
      expectFinished(await cluster.runAll());
      const stateDir = join(cluster.root("pivoine"), "var/lib/homegarden/pivoine");
      const database = join(cluster.root("pivoine"), "var/lib/linstor/linstordb.mv.db");
      // As if step 16 had stopped right after the copy, and the controller then ran from DRBD,
      // recorded new resources, and stopped.
      rmSync(join(stateDir, "16-controller-db-migrate.done"));
      writeFileSync(join(stateDir, "controller-db-migrate.started"), "");
      writeFileSync(join(stateDir, "controller-db-migrate.copied"), "");
      writeFileSync(database, "the cluster's database, with every resource created since\n");
      cluster.updateState((s: any) => {
        s.nodes.pivoine.units["linstor-controller.service"].active = false;
      });
      const since = cluster.mark();
      const result = await cluster.run("pivoine", ["--only", "16"]);
      expect(result.code).toBe(0);
      expect(result.output).toContain("the database was copied onto DRBD before: finishing without copying it again");
      expect(readFileSync(database, "utf8")).toBe("the cluster's database, with every resource created since\n");
      const changes = mutations(cluster.callsSince(since));
      expect(changes).toEqual(["systemctl start linstor-controller.service"]);
      expect(existsSync(join(stateDir, "controller-db-migrate.copied"))).toBe(false);
    } finally {
      cluster.cleanup();
    }
  });
});

describe("run.sh on fake nodes: a cluster without monitoring", () => {
  test("has no exporter step, and every node finishes", async () => {
    const { file } = writeConfig(
      exampleWith('  monitoring: { prometheus: { listen: "0.0.0.0:9942", enums: true } },\n', ""),
    );
    const rendered = await renderConfig(file);
    expect(rendered.check.plan.steps.map((s) => s.id)).not.toContainEqual(expect.stringMatching(/prometheus/));
    const cluster = new FakeCluster(rendered);
    try {
      const results = await cluster.runAll();
      expectFinished(results);
      for (const r of results) expect(r.output).not.toContain("prometheus");
    } finally {
      cluster.cleanup();
    }
  });
});

describe("run.sh on fake nodes: a DRBD option with a unit", () => {
  test("c-max-rate=4G is sent once: the rerun reads back LINSTOR's 4194304 (KiB) as already set", async () => {
    const { file } = writeConfig(
      exampleWith(
        'resourceGroups: [{ name: "res-gr_pve", placeCount: 2, disklessOnRemaining: true }],',
        'resourceGroups: [\n      { name: "res-gr_pve", placeCount: 2, disklessOnRemaining: true, drbdOptions: { "c-max-rate": "4G" } },\n    ],',
      ),
    );
    const cluster = new FakeCluster(await renderConfig(file));
    try {
      expectFinished(await cluster.runAll());
      const stored = (cluster.fakeState() as any).linstor.resourceGroups["res-gr_pve"].props;
      expect(stored["DrbdOptions/PeerDevice/c-max-rate"]).toBe("4194304");
      const since = cluster.mark();
      const rerun = await cluster.run("pivoine", ["--only", "resource-groups"]);
      expect(rerun.code).toBe(0);
      expect(mutations(cluster.callsSince(since))).toEqual([]);
    } finally {
      cluster.cleanup();
    }
  });
});

describe("run.sh on fake nodes: linstor.satellite.notifyStartup", () => {
  test("a Type=notify satellite is started without waiting for it, so the cluster still comes up", async () => {
    const { file } = writeConfig(
      exampleWith(
        'storagePool: { name: "sto-pool_zfs-01", kind: "zfsthin" },',
        'storagePool: { name: "sto-pool_zfs-01", kind: "zfsthin" },\n    satellite: { notifyStartup: true },',
      ),
    );
    const cluster = new FakeCluster(await renderConfig(file));
    try {
      const results = await cluster.runAll();
      expectFinished(results);
      const starts = cluster
        .calls()
        .filter(
          (c) =>
            c.cmd === "systemctl" && /^(re)?start$/.test(c.argv[0]) && c.argv.includes("linstor-satellite.service"),
        );
      expect(starts.length).toBeGreaterThanOrEqual(3);
      for (const call of starts) expect(call.argv).toContain("--no-block");
    } finally {
      cluster.cleanup();
    }
  });
});

describe("run.sh on fake nodes: the kernel's own DRBD 8.4", () => {
  test("modprobe loading DRBD 8.4 stops step 06 with the fix, and the step is not marked done", async () => {
    const cluster = new FakeCluster(await renderConfig());
    try {
      cluster.updateState((s: any) => {
        s.nodes.pivoine.drbdModuleVersion = "8.4.11";
      });
      const result = await cluster.run("pivoine", ["--only", "drbd-module"]);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(
        "modprobe drbd loaded DRBD 8.4.11, not DRBD 9: install proxmox-headers-$(uname -r) so that drbd-dkms builds for the running kernel",
      );
      expect(cluster.isDone("pivoine", "06-drbd-module")).toBe(false);
    } finally {
      cluster.cleanup();
    }
  });
});

describe("run.sh on fake nodes: the version contract holds on the node", () => {
  test("the packages step installs the running kernel's headers beside the default ones", async () => {
    const cluster = new FakeCluster(await renderConfig());
    try {
      cluster.updateState((s: any) => {
        s.nodes.pivoine.kernel = "6.14.11-4-pve";
      });
      const result = await cluster.run("pivoine", ["--only", "packages"]);
      expect(result.code).toBe(0);
      const installs = mutations(cluster.calls()).filter((c) => c.startsWith("apt-get install"));
      expect(installs[0]).toBe("apt-get install -y proxmox-default-headers proxmox-headers-6.14.11-4-pve");
    } finally {
      cluster.cleanup();
    }
  });

  test("an installed LINSTOR of another minor release than the targets stops the packages step", async () => {
    const cluster = new FakeCluster(await renderConfig());
    try {
      cluster.updateState((s: any) => {
        s.nodes.pivoine.packageVersions = { "linstor-satellite": "1.33.1-1" };
      });
      const result = await cluster.run("pivoine", ["--only", "packages"]);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(
        "linstor-satellite 1.33.1-1 is installed, but the config targets 1.31 (MANIFEST.json targets)",
      );
      expect(cluster.isDone("pivoine", "05-packages")).toBe(false);
    } finally {
      cluster.cleanup();
    }
  });

  test("the versions the config targets, an epoch and a patch level apart, pass", async () => {
    const cluster = new FakeCluster(await renderConfig());
    try {
      cluster.updateState((s: any) => {
        s.nodes.pivoine.packageVersions = { "drbd-reactor": "1.9.2-1~bpo13+1" };
      });
      const result = await cluster.run("pivoine", ["--only", "packages"]);
      expect(result.code).toBe(0);
      expect(result.output).toContain("drbd-reactor 1.9.2-1~bpo13+1, as the config targets (1.9)");
      expect(result.output).toContain("linstor-controller 1.31.1-1, as the config targets (1.31)");
    } finally {
      cluster.cleanup();
    }
  });

  test("a DRBD 9 module of another minor release than the targets stops step 06", async () => {
    const cluster = new FakeCluster(await renderConfig());
    try {
      cluster.updateState((s: any) => {
        s.nodes.pivoine.drbdModuleVersion = "9.1.23";
      });
      const result = await cluster.run("pivoine", ["--only", "drbd-module"]);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain("DRBD 9.1.23 is loaded, but the config targets DRBD 9.2");
      expect(cluster.isDone("pivoine", "06-drbd-module")).toBe(false);
    } finally {
      cluster.cleanup();
    }
  });
});

describe("run.sh on fake nodes: a storage pool created before its ZFS pool", () => {
  let cluster: FakeCluster;
  afterAll(() => cluster?.cleanup());
  const pool = "sto-pool_zfs-01";
  const poolOf = (node: string): any => (cluster.fakeState() as any).linstor.storagePools[`${node}/${pool}`];

  test("the whole run creates every storage pool without an error report", async () => {
    cluster = new FakeCluster(await renderConfig());
    expectFinished(await cluster.runAll());
    for (const node of cluster.nodes) expect(poolOf(node).error).toBeUndefined();
  });

  test("a pool LINSTOR kept in error stops the step after the wait, and is created again once the zpool exists", async () => {
    // petunia's zpool is gone and its LINSTOR pool is in error, as a create before step 09 leaves it.
    cluster.updateState((s: any) => {
      s.nodes.petunia.zpools = {};
      s.linstor.storagePools[`petunia/${pool}`].error = "no zfs dataset 'pool-nvme-01'";
    });
    const stuck = await cluster.run("pivoine", ["--only", "storage-pools", "--wait-timeout", "1"]);
    expect(stuck.code).not.toBe(0);
    expect(stuck.output).toContain(
      `waited 1s for storage pool ${pool} on petunia without error (ZFS pool pool-nvme-01 there): run step 09-zfs-pool on petunia first`,
    );
    expect(stuck.output).not.toContain("already exists");
    const since = cluster.mark();
    const zfs = await cluster.run("petunia", ["--only", "zfs-pool"]);
    expect(zfs.code).toBe(0);
    const fixed = await cluster.run("pivoine", ["--only", "storage-pools"]);
    expect(fixed.code).toBe(0);
    expect(mutations(cluster.callsSince(since)).filter((c) => c.includes("storage-pool"))).toEqual([
      `linstor --controllers 10.100.4.100,10.100.4.101,10.100.4.102,10.100.4.103 storage-pool delete petunia ${pool}`,
      `linstor --controllers 10.100.4.100,10.100.4.101,10.100.4.102,10.100.4.103 storage-pool create zfsthin petunia ${pool} pool-nvme-01`,
    ]);
    expect(poolOf("petunia").error).toBeUndefined();
  });
});

describe("run.sh on fake nodes: --dry-run", () => {
  let cluster: FakeCluster;
  afterAll(() => cluster?.cleanup());

  test("a dry run on fresh nodes prints the commands and changes nothing under the root or in the fakes", async () => {
    cluster = new FakeCluster(await renderConfig());
    const before = cluster.snapshot();
    const results = await Promise.all(cluster.nodes.map((n) => cluster.run(n, ["--dry-run"])));
    expectFinished(results);
    expect(mutations(cluster.calls())).toEqual([]);
    expect(cluster.snapshot()).toEqual(before);
    const [pivoine, petunia] = results;
    expect(pivoine.output).toContain("+ zpool create pool-nvme-01 mirror /dev/nvme0n1 /dev/nvme1n1");
    expect(pivoine.output).toContain("+ linstor_cli node create dahlia 10.100.4.103");
    expect(pivoine.output).toContain("+ mkfs.ext4 -b 4096 /dev/drbd/by-res/linstor_db/0");
    expect(petunia.output).toMatch(/\+ pvecm add 10\.100\.3\.101 --link0 \S+ --link1 \S+/);
    expect(petunia.output).toContain(
      "would wait for the controller highly available (pivoine's promoter running it) and every LINSTOR node Online",
    );
  });
});

describe("run.sh on fake nodes: a wait that runs out", () => {
  test("stops at the step, naming the other node and the step to run there", async () => {
    const cluster = new FakeCluster(await renderConfig());
    try {
      // pivoine alone: nobody else has started a satellite.
      const result = await cluster.run("pivoine", ["--wait-timeout", "0"]);
      expect(result.code).toBe(1);
      expect(result.output).toContain(
        "run.sh: waited 0s for the LINSTOR satellite of petunia at 10.100.4.102:3366: run step 10-satellite on petunia first (./run.sh there), then rerun this",
      );
      expect(cluster.isDone("pivoine", "10-satellite")).toBe(true);
      expect(cluster.isDone("pivoine", "11-linstor-nodes")).toBe(false);
      // What could be done before the wait is done: pivoine itself is registered.
      expect(Object.keys((cluster.fakeState() as any).linstor.nodes)).toEqual(["pivoine"]);
    } finally {
      cluster.cleanup();
    }
  });
});

/** A failure injected at step k of one node; the operator reruns that node; all must end as without it. */
const FAILURES: { node: string; prefix: string; step: string }[] = [
  // Every point of the controller database's move onto DRBD.
  { node: "pivoine", prefix: "mv", step: "16-controller-db-migrate" },
  { node: "pivoine", prefix: "drbdadm primary", step: "16-controller-db-migrate" },
  { node: "pivoine", prefix: "mkfs.ext4", step: "16-controller-db-migrate" },
  { node: "pivoine", prefix: "systemctl start var-lib-linstor.mount", step: "16-controller-db-migrate" },
  { node: "pivoine", prefix: "cp", step: "16-controller-db-migrate" },
  { node: "petunia", prefix: "zpool create", step: "09-zfs-pool" },
];

describe("run.sh on fake nodes: a failed step resumes and ends in the same state", () => {
  let reference: Snapshot;
  const clusters: FakeCluster[] = [];
  afterAll(() => clusters.forEach((c) => c.cleanup()));

  beforeAll(async () => {
    const whole = await uninterruptedRun();
    expectFinished(whole.results);
    reference = whole.snapshot;
  });

  test.each(FAILURES)("$prefix failing once on $node: the rerun resumes at $step", async ({ node, prefix, step }) => {
    const cluster = new FakeCluster(await renderConfig());
    clusters.push(cluster);
    cluster.failOnce(node, prefix);
    let failed: RunResult | undefined;
    let resumed: RunResult | undefined;
    const results = await cluster.runAll([], async (result) => {
      if (result.node !== node || result.code === 0) return result;
      failed = result;
      resumed = await cluster.run(node);
      return resumed;
    });
    expectFinished(results);
    expect(failed).toBeDefined();
    expect(failed!.output).toContain(`== ${step}:`);
    expect(failed!.output).not.toContain(`== ${node}: finished`);
    const steps = stepIds(await renderConfig(), node);
    const k = steps.indexOf(step);
    for (const done of steps.slice(0, k)) expect(resumed!.output).toContain(`== ${done}: done before, skipped`);
    expect(resumed!.output).toContain(`== ${step}: `);
    expect(resumed!.output).not.toContain(`== ${step}: done before, skipped`);
    expect(cluster.snapshot()).toEqual(reference);
  });
});

describe("run.sh on fake nodes: a reboot in the middle of the migration", () => {
  test("the rerun brings the database resource up (drbdadm adjust), says so, and finishes in the same state", async () => {
    const whole = await uninterruptedRun();
    const cluster = new FakeCluster(await renderConfig());
    try {
      cluster.failOnce("pivoine", "drbdadm primary");
      let resumed: RunResult | undefined;
      const results = await cluster.runAll([], async (result) => {
        if (result.node !== "pivoine" || result.code === 0) return result;
        // The node rebooted: the resource LINSTOR's .res file defines is down until adjusted.
        cluster.updateState((s: any) => {
          s.nodes.pivoine.drbdDown = true;
        });
        resumed = await cluster.run("pivoine");
        return resumed;
      });
      expectFinished(results);
      expect(resumed!.output).toContain(
        "DRBD resource linstor_db is defined here but down (a reboot?): bringing it up with drbdadm adjust",
      );
      expect(resumed!.output).not.toMatch(/run step 13-resource-groups/);
      expect(cluster.snapshot()).toEqual(whole.snapshot);
    } finally {
      cluster.cleanup();
    }
  });
});

describe("RUNBOOK.md's step table", () => {
  test("matches every node's run.sh --list, step for step", async () => {
    const rendered = await renderConfig();
    const cluster = new FakeCluster(rendered);
    try {
      // Section 2's table (section 6 names steps too, per phase).
      const runbook = rendered.text("RUNBOOK.md");
      const lines = runbook.slice(runbook.indexOf("## 2. Order across nodes"), runbook.indexOf("## 3. ")).split("\n");
      const header = lines.find((l) => l.startsWith("| Step "))!;
      const columns = header.split("|").map((c) => c.trim());
      const rows = lines.filter((l) => /^\| `\d\d-/.test(l)).map((l) => l.split("|").map((c) => c.trim()));
      expect(rows.length).toBe(rendered.check.plan.steps.length);
      for (const node of cluster.nodes) {
        const column = columns.indexOf(node);
        expect(column).toBeGreaterThan(0);
        const fromRunbook = rows.filter((r) => r[column] === "run").map((r) => r[1].replace(/`/g, ""));
        const list = spawnSync(join(cluster.bundle(node), "run.sh"), ["--list"], { encoding: "utf8" });
        expect(list.status).toBe(0);
        const fromList = list.stdout
          .trim()
          .split("\n")
          .map((l) => l.split(/\s+/)[0]);
        expect(fromList).toEqual(fromRunbook);
        expect(fromList).toEqual(stepIds(rendered, node));
      }
    } finally {
      cluster.cleanup();
    }
  });
});
