/**
 * The golden scenarios besides the example (test/support/scenarios.ts) go through the same real
 * programs as the example's files (real-validators.test.ts): every script through bash -n and
 * shellcheck, the systemd units through systemd-analyze verify, the drbd-reactor snippets through a
 * TOML parser and drbd-reactor's schema, the fio jobs through fio --parse-only, the apt source
 * through apt, the ring stanzas through ifupdown2 and keepalived.conf through keepalived -t (those
 * two as root, in network namespaces).
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import {
  aptSourcesCheck,
  bashSyntax,
  drbdReactorSchemaCheck,
  fioParseOnly,
  haveRoot,
  ifupdown2Parse,
  keepalivedConfigTest,
  namespacesAvailable,
  shellcheck,
  systemdAnalyzeVerify,
  tomlParse,
  type ValidatorResult,
} from "./support/validators.js";
import { renderConfig, writeRendered, type Rendered } from "./support/render.js";
import { SCENARIOS } from "./support/scenarios.js";

const asRoot = haveRoot() && namespacesAvailable() ? test : test.skip;

function expectOk(what: string, result: ValidatorResult): void {
  if (!result.ok) throw new Error(`${what}: validator failed (exit ${result.code}):\n${result.output}`);
}

describe.each(SCENARIOS.filter((s) => s.config))(
  "real validators accept every file of scenario $name",
  ({ config }) => {
    let rendered: Rendered;
    let dir: string;
    beforeAll(async () => {
      rendered = await renderConfig(config!());
      dir = writeRendered(rendered);
    });
    const nodes = (): string[] => rendered.check.plan.nodes.map((n) => n.name);
    const ofNode = (node: string, test: (path: string) => boolean): string[] =>
      rendered.files.map((f) => f.path).filter((p) => p.startsWith(`${node}/`) && test(p));

    test("bash -n and shellcheck: every script", () => {
      for (const node of nodes()) {
        const scripts = ofNode(node, (p) => p.endsWith(".sh"));
        expect(scripts).toContain(`${node}/run.sh`);
        for (const path of scripts) {
          expectOk(path, bashSyntax(join(dir, path)));
          expectOk(path, shellcheck(join(dir, path)));
        }
      }
    });

    test("systemd-analyze verify: the mount unit and the drop-ins", () => {
      for (const node of nodes()) {
        const units = Object.fromEntries(
          ofNode(node, (p) => p.includes("/files/etc/systemd/system/")).map((p) => [
            p.slice(p.indexOf("/files/etc/systemd/system/") + "/files/etc/systemd/system/".length),
            rendered.text(p),
          ]),
        );
        expect(Object.keys(units)).toContain("var-lib-linstor.mount");
        expectOk(node, systemdAnalyzeVerify(units));
      }
    });

    test("drbd-reactor snippets: TOML and drbd-reactor's schema; fio jobs; the apt source", () => {
      for (const node of nodes()) {
        for (const path of ofNode(node, (p) => p.includes("/files/etc/drbd-reactor.d/"))) {
          const parsed = tomlParse(rendered.text(path));
          expectOk(path, parsed);
          expect({ path, problems: drbdReactorSchemaCheck(parsed.value) }).toEqual({ path, problems: [] });
        }
        for (const path of ofNode(node, (p) => p.endsWith(".fio"))) expectOk(path, fioParseOnly(join(dir, path)));
        for (const path of ofNode(node, (p) => p.endsWith(".sources")))
          expectOk(path, aptSourcesCheck(rendered.text(path), "deb822"));
      }
    });

    test("vendored packages: every bundle's debs/ holds real .deb files that dpkg-deb reads", () => {
      const vendored = rendered.check.plan.apt.vendoredDebs;
      for (const node of nodes()) {
        const debs = ofNode(node, (p) => p.startsWith(`${node}/debs/`));
        expect(debs).toEqual(vendored.map((name) => `${node}/debs/${name}`));
        for (const path of debs) {
          const name = execFileSync("dpkg-deb", ["--field", join(dir, path), "Package"], { encoding: "utf8" }).trim();
          expect(path.endsWith(`/${name}_0.0-test_all.deb`)).toBe(true);
        }
      }
    });

    asRoot("ifupdown2 parses the ring stanzas; keepalived -t accepts keepalived.conf", () => {
      for (const node of nodes()) {
        expectOk(node, ifupdown2Parse(rendered.text(`${node}/files/etc/network/interfaces.d/homegarden-ring`)));
        const conf = `${node}/files/etc/keepalived/keepalived.conf`;
        if (!rendered.files.some((f) => f.path === conf)) continue;
        const planned = rendered.check.plan.nodes.find((n) => n.name === node)!;
        expectOk(
          conf,
          keepalivedConfigTest(rendered.text(conf), {
            interfaces: [planned.storage.iface, planned.management.iface],
            scripts: {
              "/usr/local/bin/check_linstor.sh": rendered.text(`${node}/files/usr/local/bin/check_linstor.sh`),
            },
          }),
        );
      }
    });
  },
);
