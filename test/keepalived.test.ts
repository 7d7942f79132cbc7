/**
 * keepalived options beyond the example: unicast peers, per-node priorities, the password from a
 * file. Checked with the real keepalived --config-test and for where the secret ends up.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE_SOURCE, writeConfig } from "./support/configs.js";
import { renderConfig, type Rendered } from "./support/render.js";
import { haveRoot, keepalivedConfigTest, namespacesAvailable } from "./support/validators.js";

const asRoot = haveRoot() && namespacesAvailable() ? test : test.skip;
if (!(haveRoot() && namespacesAvailable())) {
  console.warn("NOT ROOT: keepalived --config-test of the unicast variant is skipped here; CI runs it as root");
}

const SECRET = "uNi9cast";

function replaceOnce(source: string, from: string, to: string): string {
  const parts = source.split(from);
  if (parts.length !== 2) throw new Error(`"${from}" occurs ${parts.length - 1} times`);
  return parts.join(to);
}

describe("keepalived with unicast peers, a per-node priority and the password from a file", () => {
  let rendered: Rendered;
  beforeAll(async () => {
    let source = replaceOnce(EXAMPLE_SOURCE, "virtualRouterId: 51,", "virtualRouterId: 51,\n    unicast: true,");
    source = replaceOnce(source, 'name: "petunia",', 'name: "petunia",\n      vrrpPriority: 200,');
    source = replaceOnce(source, 'password: { env: "HOMEGARDEN_VRRP_PASSWORD" }', 'password: { file: "vrrp.secret" }');
    const { dir, file } = writeConfig(source);
    writeFileSync(join(dir, "vrrp.secret"), `${SECRET}\n`);
    rendered = await renderConfig(file, {});
  });

  test("each node sends adverts from its storage address to the other nodes' storage addresses", () => {
    const nodes = rendered.check.plan.nodes;
    for (const node of nodes) {
      const conf = rendered.text(`${node.name}/files/etc/keepalived/keepalived.conf`);
      expect(conf).toMatch(new RegExp(`^\\s+unicast_src_ip ${node.storage.ip.replace(/\./g, "\\.")}$`, "m"));
      const peers = /unicast_peer \{\n([^}]*)\}/.exec(conf)![1].trim().split(/\s+/);
      expect(peers.sort()).toEqual(
        nodes
          .filter((n) => n !== node)
          .map((n) => n.storage.ip)
          .sort(),
      );
      expect(conf).toMatch(new RegExp(`^\\s+auth_pass ${SECRET}$`, "m"));
    }
  });

  test("priorities: petunia's own, the others by default, no two equal", () => {
    const priorities = rendered.check.plan.nodes.map((n) =>
      Number(/^\s+priority (\d+)$/m.exec(rendered.text(`${n.name}/files/etc/keepalived/keepalived.conf`))![1]),
    );
    expect(priorities[1]).toBe(200);
    expect(new Set(priorities).size).toBe(priorities.length);
  });

  test("the password sits only in the 0600 keepalived.conf files, never in plan.json or other files", () => {
    // The tarballs carry each node's folder, keepalived.conf included (compressed): not checked here.
    for (const file of rendered.files.filter((f) => !f.path.endsWith(".tar.gz"))) {
      const holdsSecret = file.content.toString("latin1").includes(SECRET);
      const isConf = file.path.endsWith("/files/etc/keepalived/keepalived.conf");
      expect({ path: file.path, holdsSecret }).toEqual({ path: file.path, holdsSecret: isConf });
      if (isConf) expect(file.mode).toBe(0o600);
    }
    expect(rendered.text("plan.json")).toContain('"file": "vrrp.secret"');
  });

  asRoot("keepalived --config-test accepts every node's unicast configuration", () => {
    for (const node of rendered.check.plan.nodes) {
      const result = keepalivedConfigTest(rendered.text(`${node.name}/files/etc/keepalived/keepalived.conf`), {
        interfaces: [node.storage.iface, node.management.iface],
        scripts: {
          "/usr/local/bin/check_linstor.sh": rendered.text(`${node.name}/files/usr/local/bin/check_linstor.sh`),
        },
      });
      if (!result.ok) throw new Error(`keepalived -t failed for ${node.name} (exit ${result.code}):\n${result.output}`);
    }
  });
});
