/** MANIFEST.json, the version contract, and checking a tarball against the reviewed render. */
import { gzipSync, gunzipSync } from "node:zlib";
import { resolve } from "node:path";
import { sha256 } from "../src/bundle/checksums.js";
import { packageRoot } from "../src/paths.js";
import { tarEntries } from "./support/tarball.js";
import { verifyTarball } from "../src/review/verify-tarball.js";
import { checkConfig } from "../src/pipeline.js";
import { exampleWith, lineOf, writeConfig } from "./support/configs.js";
import { renderConfig, TEST_ENV, TEST_VRRP_PASSWORD } from "./support/render.js";
import { systemdAnalyzeVerify, tomlParse } from "./support/validators.js";

const GOLDEN = resolve(packageRoot, "golden", "homegarden");

describe("MANIFEST.json", () => {
  test.each(["pivoine", "petunia", "dahlia"])(
    "%s: lists every bundle file with its hash, mode and source",
    async (node) => {
      const rendered = await renderConfig();
      const manifest = JSON.parse(rendered.text(`${node}/MANIFEST.json`));
      expect(manifest.generator).toEqual({ name: "homegarden", version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
      expect(manifest.node).toBe(node);
      expect(manifest.config.sha256).toBe(sha256(rendered.check.module.sourceText));
      expect(manifest.targets).toEqual({
        proxmox: 9,
        linstor: "1.31",
        drbd: "9.2",
        drbdReactor: "1.9",
        keepalived: "2.3",
      });
      const bundleFiles = rendered.files.filter(
        (f) => f.path.startsWith(`${node}/`) && !f.path.endsWith("/MANIFEST.json") && !f.path.endsWith("/SHA256SUMS"),
      );
      expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(
        bundleFiles.map((f) => f.path.slice(node.length + 1)).sort(),
      );
      for (const entry of manifest.files) {
        const file = bundleFiles.find((f) => f.path === `${node}/${entry.path}`)!;
        expect(entry.sha256).toBe(sha256(file.content));
        expect(entry.mode).toBe(`0${file.mode.toString(8)}`);
      }
      const keepalived = manifest.files.find(
        (f: { path: string }) => f.path === "files/etc/keepalived/keepalived.conf",
      );
      expect(keepalived).toMatchObject({ mode: "0600", source: "keepalived", maskedKeys: ["auth_pass"] });
      expect(rendered.text(`${node}/MANIFEST.json`)).not.toContain(TEST_VRRP_PASSWORD);
    },
  );
});

describe("version contract", () => {
  async function renderWithVersions(versions: string) {
    const { file } = writeConfig(
      exampleWith('versions: { linstor: "1.31", drbd: "9.2", drbdReactor: "1.9", keepalived: "2.3" },', versions),
    );
    return renderConfig(file, TEST_ENV);
  }

  test("LINSTOR 1.32.x still gets LS_KEEP_RES (its satellite reads it), 1.33 and later do not", async () => {
    const stillNeeds = await renderWithVersions('versions: { linstor: "1.32.3" },');
    expect(stillNeeds.text("pivoine/files/etc/systemd/system/linstor-satellite.service.d/homegarden.conf")).toContain(
      "Environment=LS_KEEP_RES=linstor_db",
    );
    const rendered = await renderWithVersions('versions: { linstor: "1.33.0" },');
    const dropIn = rendered.text("pivoine/files/etc/systemd/system/linstor-satellite.service.d/homegarden.conf");
    expect(dropIn).not.toContain("LS_KEEP_RES");
    const result = systemdAnalyzeVerify({ "linstor-satellite.service.d/homegarden.conf": dropIn });
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });

  test("LINSTOR version unknown: LS_KEEP_RES is kept (harmless on newer releases)", async () => {
    const rendered = await renderWithVersions("");
    expect(rendered.text("dahlia/files/etc/systemd/system/linstor-satellite.service.d/homegarden.conf")).toContain(
      "Environment=LS_KEEP_RES=linstor_db",
    );
    expect(JSON.parse(rendered.text("dahlia/MANIFEST.json")).targets).toEqual({ proxmox: 9 });
  });

  test("every drbd-reactor from 0.5 on gets on-drbd-demote-failure (on-stop-failure is ignored since 0.5.0)", async () => {
    for (const version of ["0.5", "1.7.0", "1.8"]) {
      const rendered = await renderWithVersions(`versions: { drbdReactor: "${version}" },`);
      const toml = tomlParse(rendered.text("pivoine/files/etc/drbd-reactor.d/linstor_db.toml"));
      expect(toml.ok).toBe(true);
      const resource = (toml.value as any).promoter[0].resources.linstor_db;
      expect({ version, resource }).toEqual({
        version,
        resource: expect.objectContaining({ "on-drbd-demote-failure": "reboot" }),
      });
      expect(resource).not.toHaveProperty("on-stop-failure");
    }
  });

  test("drbd-reactor before 0.5 is refused (HG426), pointing at the version", async () => {
    const source = exampleWith(
      'versions: { linstor: "1.31", drbd: "9.2", drbdReactor: "1.9", keepalived: "2.3" },',
      'versions: { drbdReactor: "0.4.4" },',
    );
    const { file } = writeConfig(source);
    const result = await checkConfig(file, { env: TEST_ENV });
    expect(result.ok).toBe(false);
    const diagnostics = result.ok ? [] : result.diagnostics;
    expect(diagnostics.map((d) => [d.code, d.position?.line])).toEqual([
      ["HG426", lineOf(source, 'drbdReactor: "0.4.4"')],
    ]);
  });
});

describe("verify-tarball", () => {
  test("a tarball rendered with another secret equals the golden render once masked", async () => {
    const rendered = await renderConfig(undefined, { HOMEGARDEN_VRRP_PASSWORD: "other123" });
    for (const node of ["pivoine", "petunia", "dahlia"]) {
      const tarball = rendered.files.find((f) => f.path === `${node}.tar.gz`)!.content as Buffer;
      const report = verifyTarball(tarball, GOLDEN);
      expect(report.problems).toEqual([]);
      expect(report.checkedFiles).toBeGreaterThan(15);
    }
  });

  test("a changed file is caught by the manifest and by the reviewed render", async () => {
    const rendered = await renderConfig();
    const tarball = rendered.files.find((f) => f.path === "petunia.tar.gz")!.content as Buffer;
    const tar = gunzipSync(tarball);
    const needle = Buffer.from("net.ipv4.ip_forward = 1");
    const at = tar.indexOf(needle);
    expect(at).toBeGreaterThan(0);
    Buffer.from("net.ipv4.ip_forward = 0").copy(tar, at);
    const report = verifyTarball(gzipSync(tar), GOLDEN);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        "files/etc/sysctl.d/90-homegarden-ring.conf: SHA-256 differs from MANIFEST.json",
        "files/etc/sysctl.d/90-homegarden-ring.conf: does not match SHA256SUMS",
        "files/etc/sysctl.d/90-homegarden-ring.conf: differs from the reviewed render",
      ]),
    );
  });

  test("the reader sees the archive as tar does: sorted entries, modes", async () => {
    const rendered = await renderConfig();
    const entries = tarEntries(rendered.files.find((f) => f.path === "pivoine.tar.gz")!.content as Buffer);
    expect(entries[0]).toMatchObject({ name: "pivoine/", type: "directory", mode: 0o755 });
    expect(entries.find((e) => e.name === "pivoine/run.sh")).toMatchObject({ type: "file", mode: 0o755 });
  });
});
