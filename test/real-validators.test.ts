/**
 * Every generated file of the example goes through the real program that reads it (Debian's
 * keepalived, systemd-analyze, shellcheck, bash, fio, ifupdown2, apt, Python's tomllib).
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { templatesDir } from "../src/paths.js";
import {
  aptSourcesCheck,
  bashSyntax,
  drbdReactorSchemaCheck,
  fioParseOnly,
  haveRoot,
  ifupdown2Parse,
  keepalivedConfigTest,
  namespacesAvailable,
  pythonCompiles,
  shellcheck,
  systemdAnalyzeVerify,
  tomlParse,
  type ValidatorResult,
} from "./support/validators.js";
import { renderConfig, writeRendered } from "./support/render.js";

const NODES = ["pivoine", "petunia", "dahlia"];
const canUseNamespaces = haveRoot() && namespacesAvailable();
if (!canUseNamespaces) {
  // Loud on purpose: CI runs as root, so this only shows on a developer machine without root.
  console.warn(
    "NOT ROOT: keepalived -t and ifupdown2 checks need network namespaces and are skipped here; CI runs them as root",
  );
}
const asRoot = canUseNamespaces ? test : test.skip;

function expectOk(result: ValidatorResult): void {
  if (!result.ok) throw new Error(`validator failed (exit ${result.code}):\n${result.output}`);
}

/** Writes every rendered file to a temp folder, so tools that read paths can see them. */
async function materialise(): Promise<string> {
  return writeRendered(await renderConfig());
}

describe.each(NODES)("real validators accept %s's bundle", (node) => {
  let dir: string;
  beforeAll(async () => {
    dir = await materialise();
  });

  asRoot("keepalived --config-test accepts keepalived.conf with this node's interfaces and check script", async () => {
    const rendered = await renderConfig();
    const plan = rendered.check.plan.nodes.find((n) => n.name === node)!;
    const conf = rendered.text(`${node}/files/etc/keepalived/keepalived.conf`);
    expect(conf).toContain(`interface ${plan.storage.iface}`);
    expectOk(
      keepalivedConfigTest(conf, {
        interfaces: [plan.storage.iface, plan.management.iface],
        scripts: { "/usr/local/bin/check_linstor.sh": rendered.text(`${node}/files/usr/local/bin/check_linstor.sh`) },
      }),
    );
  });

  test("systemd-analyze verify accepts the mount unit and the satellite and controller drop-ins", async () => {
    const rendered = await renderConfig();
    // drbd-reactor's promoter does not watch the controller: systemd restarts it.
    expect(rendered.text(`${node}/files/etc/systemd/system/linstor-controller.service.d/homegarden.conf`)).toMatch(
      /^\[Service\]\nRestart=always\nRestartSec=5s\n/m,
    );
    expectOk(
      systemdAnalyzeVerify({
        "var-lib-linstor.mount": rendered.text(`${node}/files/etc/systemd/system/var-lib-linstor.mount`),
        "linstor-satellite.service.d/homegarden.conf": rendered.text(
          `${node}/files/etc/systemd/system/linstor-satellite.service.d/homegarden.conf`,
        ),
        "linstor-controller.service.d/homegarden.conf": rendered.text(
          `${node}/files/etc/systemd/system/linstor-controller.service.d/homegarden.conf`,
        ),
      }),
    );
  });

  test("bash -n and shellcheck accept every script", async () => {
    const rendered = await renderConfig();
    const scripts = rendered.files.filter((f) => f.path.startsWith(`${node}/`) && f.path.endsWith(".sh"));
    expect(scripts.map((s) => s.path.slice(node.length + 1)).sort()).toEqual(
      [
        "bench/iperf3-client.sh",
        "bench/iperf3-server.sh",
        "bench/run-fio.sh",
        "files/usr/local/bin/check_linstor.sh",
        "run.sh",
      ].sort(),
    );
    for (const script of scripts) {
      expectOk(bashSyntax(join(dir, script.path)));
      expectOk(shellcheck(join(dir, script.path)));
    }
  });

  test("run.sh's static library is real files: each shell file passes bash -n and shellcheck alone, each Python file compiles", async () => {
    const lib = join(templatesDir, "run", "lib");
    const files = readdirSync(lib).sort();
    expect(files.filter((f) => f.endsWith(".py"))).toEqual(["linstor-query.py", "report-json.py"]);
    expect(files.filter((f) => !f.endsWith(".py") && !f.endsWith(".sh"))).toEqual([]);
    for (const file of files) {
      const path = join(lib, file);
      if (file.endsWith(".sh")) {
        expectOk(bashSyntax(path));
        expectOk(shellcheck(path));
      } else expectOk(pythonCompiles(path));
    }
    // And the first node's run.sh holds every one of them, each under its own name.
    const runSh = (await renderConfig()).text("pivoine/run.sh");
    for (const file of files) expect(runSh).toContain(`\n# templates/run/lib/${file}, `);
  });

  test("fio --parse-only accepts every job file", async () => {
    const rendered = await renderConfig();
    const jobs = rendered.files.filter((f) => f.path.startsWith(`${node}/bench/`) && f.path.endsWith(".fio"));
    expect(jobs.map((j) => j.path.slice(node.length + 1)).sort()).toEqual([
      "bench/async-write.fio",
      "bench/rand-read.fio",
      "bench/rand-write.fio",
      "bench/seq-read.fio",
      "bench/seq-write.fio",
      "bench/sync-write.fio",
    ]);
    for (const job of jobs) expectOk(fioParseOnly(join(dir, job.path)));
  });

  test("drbd-reactor snippets parse as TOML and match drbd-reactor's schema", async () => {
    const rendered = await renderConfig();
    for (const name of ["linstor_db.toml", "prometheus.toml"]) {
      const parsed = tomlParse(rendered.text(`${node}/files/etc/drbd-reactor.d/${name}`));
      expectOk(parsed);
      expect(drbdReactorSchemaCheck(parsed.value)).toEqual([]);
    }
  });

  asRoot("ifupdown2 parses the ring stanzas", async () => {
    const rendered = await renderConfig();
    expectOk(ifupdown2Parse(rendered.text(`${node}/files/etc/network/interfaces.d/homegarden-ring`)));
  });

  test("linstor-client.conf parses with Python's configparser, as linstor-client reads it", async () => {
    const rendered = await renderConfig();
    const script = [
      "import configparser, json, sys",
      "c = configparser.ConfigParser()",
      "c.read_string(sys.stdin.read())",
      "print(json.dumps({s: dict(c[s]) for s in c.sections()}))",
    ].join("\n");
    const parsed = JSON.parse(
      execFileSync("python3", ["-c", script], {
        input: rendered.text(`${node}/files/etc/linstor/linstor-client.conf`),
        encoding: "utf8",
      }),
    );
    const controllers = rendered.check.plan.linstor.controllers;
    expect(parsed).toEqual({ global: { controllers: controllers.join(",") } });
    expect(controllers[0]).toBe(rendered.check.plan.linstor.ha.vip.storage.ip);
  });

  test("apt parses the LINBIT deb822 source", async () => {
    const rendered = await renderConfig();
    const result = aptSourcesCheck(rendered.text(`${node}/files/etc/apt/sources.list.d/linbit.sources`), "deb822");
    expectOk(result);
    expect(result.targets?.some((t) => t.includes("packages.linbit.com/public/dists/proxmox-9/drbd-9/"))).toBe(true);
  });
});

describe("the validators can fail", () => {
  // Guards against a validator wrapper that always says yes.
  asRoot("keepalived rejects a 9-character auth_pass", async () => {
    const rendered = await renderConfig();
    const conf = rendered
      .text("pivoine/files/etc/keepalived/keepalived.conf")
      .replace(/auth_pass \S+/, "auth_pass mySecret123");
    expect(
      keepalivedConfigTest(conf, {
        interfaces: ["enp1s0f1np1", "vmbr1.3"],
        scripts: { "/usr/local/bin/check_linstor.sh": "#!/bin/sh\nexit 0\n" },
      }).ok,
    ).toBe(false);
  });

  test("systemd-analyze rejects an unknown key in the mount unit", async () => {
    const rendered = await renderConfig();
    const unit = rendered
      .text("pivoine/files/etc/systemd/system/var-lib-linstor.mount")
      .replace("[Mount]", "[Mount]\nFoo=bar");
    expect(systemdAnalyzeVerify({ "var-lib-linstor.mount": unit }).ok).toBe(false);
  });

  test("the drbd-reactor schema rejects the deprecated on-stop-failure key", () => {
    const parsed = tomlParse(
      '[[promoter]]\n[promoter.resources.linstor_db]\nstart = ["a.service"]\non-stop-failure = "reboot"\n',
    );
    expectOk(parsed);
    expect(drbdReactorSchemaCheck(parsed.value).length).toBeGreaterThan(0);
  });
});
