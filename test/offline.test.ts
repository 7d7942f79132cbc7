/**
 * Air-gapped packages: a vendored LINBIT keyring and a folder of .deb files go into every bundle,
 * and run.sh installs from there with apt and never reaches for a network.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkConfig } from "../src/pipeline.js";
import { tarEntries } from "./support/tarball.js";
import { exampleWith, lineOf, writeConfig } from "./support/configs.js";
import { FakeCluster, mutations } from "./support/fake-node.js";
import { renderConfig, TEST_ENV, tempDir } from "./support/render.js";

const PACKAGES = [
  "proxmox-default-headers",
  // The fake nodes' running kernel (uname -r): an air-gapped set carries its headers too.
  "proxmox-headers-6.14.8-2-pve",
  "drbd-dkms",
  "drbd-utils",
  "drbd-reactor",
  "linstor-proxmox",
  "linstor-controller",
  "linstor-satellite",
  "linstor-client",
  "keepalived",
];
const APT_LINE = 'apt: { linbit: "https://packages.linbit.com/public" },';

/** Real (tiny) Debian packages built with dpkg-deb, named like the ones the bundle installs. */
function buildDebs(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return PACKAGES.map((name) => {
    const tree = join(tempDir("homegarden-deb-"), name);
    mkdirSync(join(tree, "DEBIAN"), { recursive: true });
    writeFileSync(
      join(tree, "DEBIAN", "control"),
      `Package: ${name}\nVersion: 0.0-test\nArchitecture: all\nMaintainer: homegarden tests <tests@homegarden.invalid>\nDescription: stand-in for ${name}\n`,
    );
    const file = `${name}_0.0-test_all.deb`;
    execFileSync("dpkg-deb", ["--build", "--root-owner-group", tree, join(dir, file)], { stdio: "ignore" });
    return file;
  });
}

/** A real binary OpenPGP keyring, made by gpg in a throwaway home. */
function buildKeyring(path: string): void {
  const home = tempDir("homegarden-gpg-");
  const env = { ...process.env, GNUPGHOME: home };
  execFileSync(
    "gpg",
    [
      "--batch",
      "--passphrase",
      "",
      "--quick-gen-key",
      "homegarden test <tests@homegarden.invalid>",
      "ed25519",
      "sign",
      "never",
    ],
    { env, stdio: "ignore" },
  );
  writeFileSync(path, execFileSync("gpg", ["--batch", "--export"], { env }));
}

describe("air-gapped bundles", () => {
  let config: { file: string; debs: string[] };
  beforeAll(() => {
    const { dir, file } = writeConfig(
      exampleWith(APT_LINE, 'apt: { keyring: "./vendor/linbit-keyring.gpg", debs: "./vendor/debs" },'),
    );
    mkdirSync(join(dir, "vendor"), { recursive: true });
    buildKeyring(join(dir, "vendor", "linbit-keyring.gpg"));
    config = { file, debs: buildDebs(join(dir, "vendor", "debs")) };
  });

  test("every bundle carries the keyring and the .debs, listed in MANIFEST.json and the tarball", async () => {
    const rendered = await renderConfig(config.file, TEST_ENV);
    for (const node of ["pivoine", "petunia", "dahlia"]) {
      const paths = rendered.files
        .filter((f) => f.path.startsWith(`${node}/`))
        .map((f) => f.path.slice(node.length + 1));
      expect(paths).toEqual(expect.arrayContaining(config.debs.map((d) => `debs/${d}`)));
      // Trusted for the LINBIT source only (Signed-By), not for every source as trusted.gpg.d would be.
      expect(paths).toContain("files/etc/apt/keyrings/linbit-keyring.gpg");
      expect(paths).not.toContain("files/etc/apt/trusted.gpg.d/linbit-keyring.gpg");
      expect(paths).not.toContain("files/etc/apt/sources.list.d/linbit.sources");
      const manifest = JSON.parse(rendered.text(`${node}/MANIFEST.json`));
      expect(manifest.files.filter((f: { source: string }) => f.source === "apt").length).toBe(config.debs.length + 1);
      const tarball = rendered.files.find((f) => f.path === `${node}.tar.gz`)!.content as Buffer;
      const names = tarEntries(tarball).map((e) => e.name);
      for (const deb of config.debs) expect(names).toContain(`${node}/debs/${deb}`);
    }
  });

  test("run.sh --dry-run installs from the bundle only: --no-download, no apt-get update, no URL", async () => {
    const rendered = await renderConfig(config.file, TEST_ENV);
    const cluster = new FakeCluster(rendered);
    try {
      const results = await Promise.all(cluster.nodes.map((n) => cluster.run(n, ["--dry-run"])));
      for (const r of results) {
        expect(r.code).toBe(0);
        const install = r.output.split("\n").find((l) => l.includes("apt-get install"));
        expect(install).toMatch(
          /^\+ env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-download \S+\/debs\/\S+\.deb /,
        );
        for (const deb of config.debs) expect(install).toContain(`/debs/${deb}`);
        expect(r.output).not.toMatch(/apt-get update|https?:\/\/|wget|curl/);
        expect(r.output).toContain("no LINBIT repository configured: the packages come from this bundle's debs/");
      }
      expect(mutations(cluster.calls())).toEqual([]);
    } finally {
      cluster.cleanup();
    }
  });

  test("a real run of the apt steps installs every package from debs/ and nothing else", async () => {
    const rendered = await renderConfig(config.file, TEST_ENV);
    const cluster = new FakeCluster(rendered);
    try {
      for (const step of ["linbit-apt", "packages"]) {
        const result = await cluster.run("petunia", ["--only", step]);
        expect(result.code).toBe(0);
      }
      const apt = cluster.calls().filter((c) => c.cmd === "apt-get");
      expect(apt).toHaveLength(1);
      expect(apt[0].argv.slice(0, 3)).toEqual(["install", "-y", "--no-download"]);
      const keepalived = await cluster.run("petunia", ["--only", "keepalived"]);
      expect(keepalived.output).toContain("installed already: keepalived");
    } finally {
      cluster.cleanup();
    }
  });

  test("preflight FAILs when the bundle lacks the headers of the node's running kernel", async () => {
    const cluster = new FakeCluster(await renderConfig(config.file, TEST_ENV));
    try {
      const carried = await cluster.run("dahlia", ["preflight"]);
      expect(carried.output).toContain("PASS kernel headers: proxmox-headers-6.14.8-2-pve is in the bundle's debs/");
      cluster.updateState((s: any) => (s.nodes.dahlia.kernel = "6.14.11-1-pve"));
      const result = await cluster.run("dahlia", ["preflight"]);
      expect(result.code).toBe(1);
      expect(result.output).toContain(
        "FAIL kernel headers: proxmox-headers-6.14.11-1-pve is neither installed nor in the bundle's debs/ (apt.debs)",
      );
    } finally {
      cluster.cleanup();
    }
  });
});

describe("vendored files are checked at render time", () => {
  async function findingsOf(aptLine: string, prepare: (dir: string) => void = () => {}) {
    const source = exampleWith(APT_LINE, aptLine);
    const { dir, file } = writeConfig(source);
    prepare(dir);
    const result = await checkConfig(file, { env: TEST_ENV });
    expect(result.ok).toBe(false);
    if (result.ok) return [];
    return result.diagnostics.map((d) => `${d.position?.line} ${d.code} ${d.message}`);
  }

  test("a missing keyring file", async () => {
    const line = lineOf(
      exampleWith(APT_LINE, 'apt: { linbit: "http://mirror.lan/linbit", keyring: "./nope.gpg" },'),
      "keyring:",
    );
    expect(await findingsOf('apt: { linbit: "http://mirror.lan/linbit", keyring: "./nope.gpg" },')).toEqual([
      `${line} HG416 keyring file ./nope.gpg cannot be read: no such file`,
    ]);
  });

  test("an armored keyring gets the gpg --dearmor hint", async () => {
    const found = await findingsOf('apt: { linbit: "http://mirror.lan/linbit", keyring: "./key.asc" },', (dir) =>
      writeFileSync(join(dir, "key.asc"), "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxyz\n"),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/ HG422 .*gpg --dearmor/);
  });

  test("a missing package folder, an empty one, and a file that is not a .deb", async () => {
    expect((await findingsOf('apt: { debs: "./none" },'))[0]).toMatch(
      / HG424 package folder \.\/none cannot be used: no such folder/,
    );
    expect((await findingsOf('apt: { debs: "./empty" },', (d) => mkdirSync(join(d, "empty"))))[0]).toMatch(
      / HG424 .*holds no \.deb file/,
    );
    const fake = await findingsOf('apt: { debs: "./debs" },', (d) => {
      mkdirSync(join(d, "debs"));
      writeFileSync(join(d, "debs", "drbd-utils_1_all.deb"), "not a package");
    });
    expect(fake).toHaveLength(1);
    expect(fake[0]).toMatch(/ HG425 vendored package drbd-utils_1_all\.deb is not a Debian package/);
  });

  test("neither a repository nor packages", async () => {
    expect((await findingsOf("apt: {},"))[0]).toMatch(/ HG423 apt has neither a LINBIT repository/);
  });
});
