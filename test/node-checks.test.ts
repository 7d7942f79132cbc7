/**
 * run.sh preflight, verify and check, run for real on fake nodes (test/support/fake-node.ts): every
 * check PASSes on a healthy fake and FAILs on a fake broken in one way, and none of them changes
 * anything.
 */
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FakeCluster, mutations, type RunResult } from "./support/fake-node.js";
import { exampleWith, writeConfig } from "./support/configs.js";
import { renderConfig } from "./support/render.js";
import { debianReleaseOf, prometheusProbe } from "../src/plan/checks.js";

interface Check {
  status: "PASS" | "FAIL" | "SKIP";
  name: string;
  detail: string;
}

/** The report lines of a run: "STATUS name: detail". */
function checksOf(result: RunResult): Check[] {
  return result.output
    .split("\n")
    .map((line) => /^(PASS|FAIL|SKIP) ([^:]+): (.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([, status, name, detail]) => ({ status: status as Check["status"], name, detail }));
}

function failures(result: RunResult): string[] {
  return checksOf(result)
    .filter((c) => c.status === "FAIL")
    .map((c) => `${c.name}: ${c.detail}`);
}

function expectAllPass(result: RunResult): void {
  if (result.code !== 0 || failures(result).length > 0) {
    throw new Error(`${result.node} exited ${result.code}:\n${result.output}`);
  }
}

/** Runs `change`, then `run`, and puts the fake world's state back as it was, whatever happened. */
async function withBroken<T>(cluster: FakeCluster, change: () => void, run: () => Promise<T>): Promise<T> {
  const path = join(cluster.dir, "state", "state.json");
  const saved = readFileSync(path, "utf8");
  try {
    change();
    return await run();
  } finally {
    writeFileSync(path, saved);
  }
}

describe("run.sh preflight on fresh fake nodes", () => {
  let cluster: FakeCluster;
  beforeAll(async () => {
    cluster = new FakeCluster(await renderConfig());
  });
  afterAll(() => cluster?.cleanup());

  test("every check PASSes on every node: one line per check, exit 0, nothing changed", async () => {
    const plan = (await renderConfig()).check.plan;
    const before = cluster.snapshot();
    const since = cluster.mark();
    for (const node of plan.nodes) {
      const result = await cluster.run(node.name, ["preflight"], { anyHost: false });
      expectAllPass(result);
      const checks = checksOf(result);
      expect(checks.every((c) => c.status === "PASS")).toBe(true);
      // hostname, debian, proxmox, each NIC, each ZFS device, each own address, keyring, repository,
      // kernel headers, free space, each other node's management address, interfaces.d
      const ownAddresses = 2 + node.ringInterfaces.length;
      const peers = plan.nodes.length - 1;
      expect(checks).toHaveLength(3 + node.nics.length + node.zfs.mirror.length + ownAddresses + 4 + peers + 1);
      expect(checks.map((c) => c.name)).toEqual(
        expect.arrayContaining([
          "hostname",
          "debian",
          "proxmox",
          "nic vmbr1.3",
          "nic enp1s0f1np1",
          ...node.ringInterfaces.map((r) => `nic ${r.nic}`),
          "zfs device /dev/nvme0n1",
          "zfs device /dev/nvme1n1",
          `address ${node.storage.ip}`,
          ...node.ringInterfaces.map((r) => `address ${r.ip}`),
          "keyring",
          "repository",
          "kernel headers",
          "free space",
          ...plan.nodes.filter((n) => n.name !== node.name).map((n) => `peer ${n.management.ip}`),
          "interfaces.d",
        ]),
      );
      expect(result.output).toContain(`PASS hostname: this host is ${node.name}`);
      expect(result.output).toContain("PASS debian: Debian 13, as Proxmox VE 9 needs");
    }
    expect(mutations(cluster.callsSince(since))).toEqual([]);
    expect(cluster.snapshot()).toEqual(before);
  });

  test("--json prints one JSON document with every check", async () => {
    const result = await cluster.run("petunia", ["preflight", "--json"]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.output);
    expect(report).toMatchObject({ node: "petunia", command: "preflight", ok: true, failed: 0 });
    expect(report.checks.length).toBeGreaterThan(10);
    expect(report.checks[0]).toEqual({ status: "PASS", name: "hostname", detail: "this host is petunia" });
    expect(report.checks.every((c: Check) => c.status === "PASS")).toBe(true);
  });

  const root = (node: string, path: string): string => join(cluster.root(node), path);
  const nicDir = (node: string, nic: string): string => join(cluster.sysfs(node), "class/net", nic);
  const BROKEN: { what: string; node: string; change: () => void; fails: string }[] = [
    {
      what: "wrong hostname",
      node: "pivoine",
      change: () => cluster.updateState((s: any) => (s.nodes.pivoine.hostname = "rose")),
      fails: "hostname: this host is rose, but the bundle is for pivoine: use rose's bundle",
    },
    {
      what: "Debian 12 instead of 13",
      node: "dahlia",
      change: () => writeFileSync(root("dahlia", "etc/os-release"), 'ID=debian\nVERSION_ID="12"\n'),
      fails: "debian: Debian 12 (",
    },
    {
      what: "Proxmox VE 8 instead of 9",
      node: "petunia",
      change: () => cluster.updateState((s: any) => (s.nodes.petunia.pveRelease = 8)),
      fails: "proxmox: pveversion says 'pve-manager/8.0.3/",
    },
    {
      what: "a missing ring NIC",
      node: "pivoine",
      change: () => renameSync(nicDir("pivoine", "enp7s0"), `${nicDir("pivoine", "enp7s0")}.away`),
      fails: "nic enp7s0: missing: no ",
    },
    {
      what: "a missing disk",
      node: "petunia",
      change: () => cluster.updateState((s: any) => (s.nodes.petunia.disks = { "/dev/nvme1n1": { missing: true } })),
      fails: "zfs device /dev/nvme1n1: not a block device: ",
    },
    {
      what: "a disk in another ZFS pool",
      node: "pivoine",
      change: () =>
        cluster.updateState(
          (s: any) => (s.nodes.pivoine.disks = { "/dev/nvme0n1": { fstype: "zfs_member", label: "tank" } }),
        ),
      fails: "zfs device /dev/nvme0n1: in use: /dev/nvme0n1p1 is in ZFS pool tank",
    },
    {
      what: "a disk holding a filesystem",
      node: "dahlia",
      change: () =>
        cluster.updateState(
          (s: any) => (s.nodes.dahlia.disks = { "/dev/nvme1n1": { fstype: "ext4", label: "backup" } }),
        ),
      fails: "zfs device /dev/nvme1n1: in use: /dev/nvme1n1p1 holds ext4 (backup)",
    },
    {
      what: "a disk of an exported pool with this config's pool name",
      node: "dahlia",
      change: () =>
        cluster.updateState(
          (s: any) => (s.nodes.dahlia.disks = { "/dev/nvme0n1": { fstype: "zfs_member", label: "pool-nvme-01" } }),
        ),
      fails: "zfs device /dev/nvme0n1: belongs to a pool named pool-nvme-01 that is not imported here",
    },
    {
      what: "the storage address already used by another host",
      node: "pivoine",
      change: () => cluster.updateState((s: any) => (s.arpConflicts = { "10.100.4.101": "52:54:00:aa:bb:cc" })),
      fails:
        "address 10.100.4.101: another host on enp1s0f1np1 already uses it: reply from 10.100.4.101 [52:54:00:AA:BB:CC] (storage)",
    },
    {
      what: "/etc/network/interfaces without interfaces.d",
      node: "petunia",
      change: () => writeFileSync(root("petunia", "etc/network/interfaces"), "auto lo\niface lo inet loopback\n"),
      fails: "interfaces.d: /etc/network/interfaces does not source /etc/network/interfaces.d/*",
    },
  ];

  test.each(BROKEN)("$what: that one check FAILs, exit 1", async ({ node, change, fails }) => {
    const files = ["etc/os-release", "etc/network/interfaces"].map((p) => [p, readFileSync(root(node, p))] as const);
    try {
      const result = await withBroken(cluster, change, () => cluster.run(node, ["preflight"], { anyHost: false }));
      expect(result.code).toBe(1);
      const failed = failures(result);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toContain(fails);
    } finally {
      for (const [p, content] of files) writeFileSync(root(node, p), content);
      const away = `${nicDir(node, "enp7s0")}.away`;
      if (existsSync(away)) renameSync(away, nicDir(node, "enp7s0"));
    }
    // Healthy again: the same node passes.
    expectAllPass(await cluster.run(node, ["preflight"], { anyHost: false }));
  });

  test("a normal run starts with the preflight and stops at a FAIL before changing anything", async () => {
    const before = cluster.snapshot();
    const since = cluster.mark();
    const result = await withBroken(
      cluster,
      () =>
        cluster.updateState(
          (s: any) => (s.nodes.dahlia.disks = { "/dev/nvme0n1": { fstype: "zfs_member", label: "tank" } }),
        ),
      () => cluster.run("dahlia"),
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain("FAIL zfs device /dev/nvme0n1: in use: /dev/nvme0n1p1 is in ZFS pool tank");
    expect(result.output).toContain("run.sh: preflight failed (the FAIL lines above); nothing was changed.");
    expect(result.output).not.toContain("== 01-ring-network");
    expect(mutations(cluster.callsSince(since))).toEqual([]);
    expect(cluster.snapshot()).toEqual(before);
    expect(cluster.isDone("dahlia", "01-ring-network")).toBe(false);
  });

  test("the prerequisites of later steps FAIL the preflight before step 01: keyring, repository, peers", async () => {
    const since = cluster.mark();
    const keyring = join(cluster.root("petunia"), "etc/apt/trusted.gpg.d/linbit-keyring.gpg");
    const saved = readFileSync(keyring);
    rmSync(keyring);
    try {
      const result = await withBroken(
        cluster,
        () => cluster.updateState((s: any) => (s.unreachable = ["repository", "10.100.3.103"])),
        () => cluster.run("petunia"),
      );
      expect(result.code).toBe(1);
      expect(result.output).toContain("FAIL keyring: no LINBIT keyring at /etc/apt/trusted.gpg.d/linbit-keyring.gpg");
      expect(result.output).toContain(
        "FAIL repository: nothing answers at packages.linbit.com:443: the packages step installs from https://packages.linbit.com/public/",
      );
      expect(result.output).toContain("FAIL peer 10.100.3.103: no answer to ping (dahlia management)");
      expect(result.output).toContain("PASS peer 10.100.3.101: answers (pivoine management)");
      expect(result.output).not.toContain("== 01-ring-network");
      expect(mutations(cluster.callsSince(since))).toEqual([]);
    } finally {
      writeFileSync(keyring, saved);
    }
  });

  test("a link that is down is not probed, and says so", async () => {
    const operstate = join(cluster.sysfs("petunia"), "class/net/enp9s0/operstate");
    writeFileSync(operstate, "down\n");
    try {
      const result = await cluster.run("petunia", ["preflight"]);
      expect(result.code).toBe(0);
      expect(result.output).toContain("SKIP address 10.10.2.1: not probed: enp9s0 is down, nobody can answer on it");
    } finally {
      writeFileSync(operstate, "up\n");
    }
  });

  test("without iputils arping the address checks SKIP and say why; the preflight still passes", async () => {
    const other = new FakeCluster(await renderConfig());
    try {
      other.removeCommand("arping");
      const result = await other.run("pivoine", ["preflight"]);
      expect(result.code).toBe(0);
      const skipped = checksOf(result).filter((c) => c.status === "SKIP" && c.name.startsWith("address "));
      expect(skipped).toHaveLength(4);
      for (const c of skipped)
        expect(c.detail).toMatch(/^not probed: no iputils arping here \(apt install iputils-arping\)/);
    } finally {
      other.cleanup();
    }
  });
});

describe("run.sh subcommand usage", () => {
  test("--json belongs to the checks; step options do not; neither runs anything", async () => {
    const cluster = new FakeCluster(await renderConfig());
    try {
      const apply = await cluster.run("pivoine", ["--json"]);
      expect(apply.code).toBe(1);
      expect(apply.output).toContain("run.sh: --json goes with preflight, verify or check");
      const verify = await cluster.run("pivoine", ["verify", "--from", "01"]);
      expect(verify.code).toBe(1);
      expect(verify.output).toContain("run.sh: verify changes nothing and runs no steps");
      expect(cluster.calls()).toEqual([]);
    } finally {
      cluster.cleanup();
    }
  });
});

describe("what the checks probe, from the plan", () => {
  test("a Prometheus exporter on every address is probed on loopback; a given host as written", () => {
    expect(prometheusProbe("0.0.0.0:9942")).toEqual({ host: "127.0.0.1", port: 9942 });
    expect(prometheusProbe(":9942")).toEqual({ host: "127.0.0.1", port: 9942 });
    expect(prometheusProbe("[::]:9942")).toEqual({ host: "::1", port: 9942 });
    expect(prometheusProbe("10.100.4.101:9100")).toEqual({ host: "10.100.4.101", port: 9100 });
  });

  test("Proxmox VE 9 runs on Debian 13, 8 on 12 (LINBIT: PVERS = VERSION_ID - 4)", () => {
    expect(debianReleaseOf(9)).toBe(13);
    expect(debianReleaseOf(8)).toBe(12);
  });
});

describe("run.sh preflight: pinned MAC addresses", () => {
  test("a NIC with the pinned MAC passes; another card under that name FAILs", async () => {
    const { file } = writeConfig(
      exampleWith(
        'storage: { iface: "enp1s0f1np1", address: "10.100.4.101/24" },',
        'storage: { iface: "enp1s0f1np1", address: "10.100.4.101/24", mac: "52:54:00:AB:CD:01" },\n      ringMacs: { enp7s0: "52:54:00:ab:cd:07" },',
      ),
    );
    const cluster = new FakeCluster(await renderConfig(file));
    try {
      const ok = await cluster.run("pivoine", ["preflight"]);
      expectAllPass(ok);
      expect(ok.output).toContain("PASS nic enp1s0f1np1: present with MAC 52:54:00:ab:cd:01 (storage network)");
      expect(ok.output).toContain("PASS nic enp7s0: present with MAC 52:54:00:ab:cd:07 (ring link to petunia)");
      writeFileSync(join(cluster.sysfs("pivoine"), "class/net/enp7s0/address"), "52:54:00:99:99:99\n");
      const bad = await cluster.run("pivoine", ["preflight"]);
      expect(bad.code).toBe(1);
      expect(failures(bad)).toEqual([
        "nic enp7s0: MAC is 52:54:00:99:99:99, but the config pins 52:54:00:ab:cd:07 (ring link to petunia): a different card has this name",
      ]);
    } finally {
      cluster.cleanup();
    }
  });
});

describe("after the whole cluster is applied", () => {
  let cluster: FakeCluster;
  beforeAll(async () => {
    cluster = new FakeCluster(await renderConfig());
    const results = await cluster.runAll();
    for (const r of results) if (r.code !== 0) throw new Error(`run.sh on ${r.node} exited ${r.code}:\n${r.output}`);
  });
  afterAll(() => cluster?.cleanup());

  test("preflight still PASSes on every node: the disks are in the pool this config created", async () => {
    for (const node of cluster.nodes) {
      const result = await cluster.run(node, ["preflight"]);
      expectAllPass(result);
      expect(result.output).toContain(
        "PASS zfs device /dev/nvme0n1: in ZFS pool pool-nvme-01, which this config creates",
      );
    }
  });

  test("verify: every check PASSes on every node, and nothing changes", async () => {
    const before = cluster.snapshot();
    const since = cluster.mark();
    for (const node of cluster.nodes) {
      const result = await cluster.run(node, ["verify"]);
      expectAllPass(result);
      const names = checksOf(result).map((c) => c.name);
      expect(names).toEqual(
        expect.arrayContaining([
          "corosync",
          "corosync links",
          "linstor controller",
          "linstor node pivoine",
          "linstor node petunia",
          "linstor node dahlia",
          "storage pool dahlia",
          "database linstor_db",
          "promoter",
          "vip 10.100.4.100",
          "vip 10.100.3.100",
          "pve storage linstor",
          "prometheus",
        ]),
      );
      // Every ring address of the two other nodes.
      expect(names.filter((n) => n.startsWith("ring "))).toHaveLength(4);
      expect(result.output).toContain("PASS corosync: quorate, 3 of 3 nodes");
      expect(result.output).toContain("PASS promoter: linstor_db Primary on pivoine only; drbd-reactor runs here");
    }
    expect(mutations(cluster.callsSince(since))).toEqual([]);
    expect(cluster.snapshot()).toEqual(before);
  });

  test("verify --json: one document for monitoring", async () => {
    const result = await cluster.run("dahlia", ["verify", "--json"]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.output);
    expect(report).toMatchObject({ node: "dahlia", command: "verify", ok: true, failed: 0 });
    expect(report.checks).toContainEqual({
      status: "PASS",
      name: "vip 10.100.4.100",
      detail: "not here; the controller runs on pivoine",
    });
  });

  const BROKEN: { what: string; change: (s: any) => void; expect: Record<string, string[]> }[] = [
    {
      what: "petunia's satellite Offline",
      change: (s) => (s.nodes.petunia.units["linstor-satellite.service"].active = false),
      expect: {
        pivoine: [
          "linstor node petunia: not Online (linstor node list): is linstor-satellite running there?",
          "database linstor_db: petunia connection:Connecting",
        ],
        dahlia: [
          "linstor node petunia: not Online (linstor node list): is linstor-satellite running there?",
          "database linstor_db: petunia connection:Connecting",
        ],
      },
    },
    {
      what: "the VIP on the wrong node",
      change: (s) => {
        s.nodes.pivoine.vipHeld = false;
        s.nodes.petunia.vipHeld = true;
      },
      expect: {
        pivoine: [
          "vip 10.100.4.100: not held here, though the controller runs here",
          "vip 10.100.3.100: not held here, though the controller runs here",
        ],
        petunia: [
          "vip 10.100.4.100: held here, but the controller runs on pivoine",
          "vip 10.100.3.100: held here, but the controller runs on pivoine",
          "vip controller: nothing answers at 10.100.4.100:3370: the VIP is not on pivoine, or its controller is down",
        ],
        dahlia: [
          "vip controller: nothing answers at 10.100.4.100:3370: the VIP is not on pivoine, or its controller is down",
        ],
      },
    },
    {
      what: "a ring address that does not answer",
      change: (s) => (s.unreachable = ["10.10.2.2"]),
      expect: {
        pivoine: ["ring 10.10.2.2: no answer to ping (dahlia enp9s0)"],
        petunia: ["ring 10.10.2.2: no answer to ping (dahlia enp9s0)"],
        dahlia: [],
      },
    },
    {
      what: "dahlia's corosync links down",
      change: (s) => (s.corosyncDown = ["dahlia"]),
      expect: {
        pivoine: ["corosync links: not connected: link 0 node 3 disconnected; link 1 node 3 disconnected"],
      },
    },
    {
      what: "drbd-reactor stopped on pivoine",
      change: (s) => (s.nodes.pivoine.units["drbd-reactor.service"].active = false),
      expect: {
        pivoine: [
          "promoter: linstor_db Primary on pivoine only, but drbd-reactor is not running here",
          "prometheus: nothing answers at 127.0.0.1:9942: is drbd-reactor running with its prometheus snippet?",
        ],
        petunia: [],
      },
    },
  ];

  test.each(BROKEN)("verify with $what: exactly those checks FAIL", async ({ change, expect: expected }) => {
    await withBroken(
      cluster,
      () => cluster.updateState(change),
      async () => {
        for (const [node, fails] of Object.entries(expected)) {
          const result = await cluster.run(node, ["verify"]);
          expect({ node, failures: failures(result) }).toEqual({ node, failures: fails });
          expect(result.code).toBe(fails.length > 0 ? 1 : 0);
        }
      },
    );
  });

  test("verify and check refuse another host without --any-host", async () => {
    await withBroken(
      cluster,
      () => cluster.updateState((s: any) => (s.nodes.petunia.hostname = "rose")),
      async () => {
        for (const command of ["verify", "check"]) {
          const result = await cluster.run("petunia", [command], { anyHost: false });
          expect(result.code).toBe(1);
          expect(result.output).toContain("run.sh: this bundle is for petunia, but this host is rose");
          expect(checksOf(result)).toEqual([]);
        }
      },
    );
  });

  test("check: every installed file is as in the bundle, exit 0", async () => {
    const rendered = await renderConfig();
    for (const node of cluster.nodes) {
      const result = await cluster.run(node, ["check"]);
      expectAllPass(result);
      const installed = rendered.files.filter((f) => f.path.startsWith(`${node}/files/`));
      expect(checksOf(result).map((c) => c.name)).toEqual(
        installed.map((f) => `file ${f.path.slice(`${node}/files`.length)}`).sort(),
      );
    }
  });

  test("check reports changed content, a changed mode, a missing file and an added snippet; exit 1, nothing touched", async () => {
    const node = "petunia";
    const at = (path: string): string => join(cluster.root(node), path);
    const keepalived = readFileSync(at("etc/keepalived/keepalived.conf"));
    const client = readFileSync(at("etc/linstor/linstor-client.conf"));
    const modules = readFileSync(at("etc/modules-load.d/drbd.conf"));
    try {
      writeFileSync(at("etc/keepalived/keepalived.conf"), Buffer.concat([keepalived, Buffer.from("# edited\n")]));
      chmodSync(at("etc/linstor/linstor-client.conf"), 0o666);
      rmSync(at("etc/modules-load.d/drbd.conf"));
      writeFileSync(at("etc/drbd-reactor.d/extra.toml"), "[[prometheus]]\n");
      // Not loaded by drbd-reactor: no drift.
      writeFileSync(at("etc/drbd-reactor.d/README"), "notes\n");
      const before = cluster.treeHash(node);
      const result = await cluster.run(node, ["check"]);
      expect(result.code).toBe(1);
      expect(failures(result)).toEqual([
        "file /etc/keepalived/keepalived.conf: changed: content differs from the bundle",
        "file /etc/linstor/linstor-client.conf: changed: mode 0666, the bundle says 0644",
        "file /etc/modules-load.d/drbd.conf: missing",
        "file /etc/drbd-reactor.d/extra.toml: added: not in the bundle, and every *.toml in /etc/drbd-reactor.d is loaded",
      ]);
      expect(cluster.treeHash(node)).toBe(before);
      const json = JSON.parse((await cluster.run(node, ["check", "--json"])).output);
      expect(json).toMatchObject({ node, command: "check", ok: false, failed: 4 });
    } finally {
      writeFileSync(at("etc/keepalived/keepalived.conf"), keepalived);
      writeFileSync(at("etc/linstor/linstor-client.conf"), client);
      chmodSync(at("etc/linstor/linstor-client.conf"), 0o644);
      writeFileSync(at("etc/modules-load.d/drbd.conf"), modules);
      rmSync(at("etc/drbd-reactor.d/extra.toml"), { force: true });
      rmSync(at("etc/drbd-reactor.d/README"), { force: true });
    }
    expectAllPass(await cluster.run(node, ["check"]));
  });
});
