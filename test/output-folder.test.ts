/**
 * `render -o DIR` replaces DIR only when it is absent, empty or a previous homegarden render (its
 * marker and file list agree with what is there). Everything else is refused with exit 2 before
 * anything is touched; `--node` keeps the other nodes' bundles; a render killed halfway leaves
 * nothing the next render does not clean up.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { OWNER_MARKER } from "../src/bundle/ownership.js";
import { packageRoot } from "../src/paths.js";
import { cli } from "./support/cli.js";
import { TEST_ENV, tempDir } from "./support/render.js";
import { snapshotTree } from "./support/tree.js";

async function renderInto(cwd: string, out: string, ...more: string[]) {
  return cli(["render", "-q", "-o", out, ...more], cwd, TEST_ENV);
}

describe("render -o refuses what homegarden did not write", () => {
  test.each([
    [
      "a folder with foreign files",
      (root: string) => (mkdirSync(join(root, "x")), writeFileSync(join(root, "x", "notes.txt"), "mine\n"), "x"),
      /holds files homegarden did not write \(e\.g\. notes\.txt\)/,
    ],
    ["the working folder", () => ".", /is the working folder or one of its parents/],
    ["a parent of the working folder", () => "..", /is the working folder or one of its parents/],
    ["the file system root", () => "/", /is the file system root/],
    [
      "a symlink to a previous render",
      (root: string) => (symlinkSync(join(root, "real"), join(root, "link")), "link"),
      /is a symlink \(to /,
    ],
    ["a file", (root: string) => (writeFileSync(join(root, "file"), "x"), "file"), /is a file, not a folder/],
    [
      "a previous render with one file added by hand",
      (root: string) => (writeFileSync(join(root, "real", "my-notes.md"), "mine\n"), "real"),
      /holds 1 file\(s\) the previous render did not write \(e\.g\. my-notes\.md\)/,
    ],
  ] as [string, (root: string) => string, RegExp][])("%s", async (_what, make, message) => {
    const root = tempDir("homegarden-out-");
    const work = join(root, "work");
    mkdirSync(work);
    expect((await renderInto(work, join(root, "real"))).code).toBe(0);
    const out = make(root);
    const before = snapshotTree(root);
    const result = await cli(
      ["render", "-o", out.startsWith("/") || out.startsWith(".") ? out : join(root, out)],
      work,
      TEST_ENV,
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error HG012 output folder /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("nothing was written");
    expect(snapshotTree(root)).toEqual(before);
  });

  test("the config module's folder is refused even when it is not the working folder", async () => {
    const root = tempDir("homegarden-out-");
    const configDir = join(root, "cfg");
    mkdirSync(configDir);
    writeFileSync(
      join(configDir, "homegarden.config.ts"),
      readFileSync(join(packageRoot, "examples", "homegarden.config.ts")),
    );
    const work = join(root, "work");
    mkdirSync(work);
    const before = snapshotTree(root);
    const result = await cli(["render", "-o", configDir, join(configDir, "homegarden.config.ts")], work, TEST_ENV);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is the config module's folder or one of its parents/);
    expect(snapshotTree(root)).toEqual(before);
  });
});

describe("render -o replaces what it wrote", () => {
  test("an absent folder, an empty one and a previous render are written; the marker lists every file", async () => {
    const root = tempDir("homegarden-out-");
    mkdirSync(join(root, "empty"));
    for (const out of ["absent", "empty", "absent"]) expect((await renderInto(root, out)).code).toBe(0);
    const marker = readFileSync(join(root, "absent", OWNER_MARKER), "utf8").split("\n");
    expect(marker[0]).toMatch(/^homegarden render:/);
    const listed = marker.slice(1).filter(Boolean);
    expect(listed).toContain("pivoine/run.sh");
    expect(listed).toContain("SHA256SUMS");
    expect(readFileSync(join(root, "absent", "SHA256SUMS"), "utf8")).not.toContain(OWNER_MARKER);
    expect(statSync(join(root, "absent")).mode & 0o777).toBe(0o755);
  });

  test("--node replaces that node's bundle and tarball and keeps the others'", async () => {
    const root = tempDir("homegarden-out-");
    expect((await renderInto(root, "out")).code).toBe(0);
    const kept = readFileSync(join(root, "out", "dahlia.tar.gz"));
    writeFileSync(join(root, "out", "pivoine", "run.sh"), "stale\n");
    const before = snapshotTree(join(root, "out"));
    expect((await renderInto(root, "out", "--node", "pivoine")).code).toBe(0);
    const after = snapshotTree(join(root, "out"));
    expect(after["pivoine/run.sh"]).not.toBe("stale\n");
    for (const path of Object.keys(before).filter((p) => p.startsWith("dahlia") || p.startsWith("petunia"))) {
      expect({ path, same: after[path] === before[path] }).toEqual({ path, same: true });
    }
    expect(readFileSync(join(root, "out", "dahlia.tar.gz")).equals(kept)).toBe(true);
    // The top SHA256SUMS covers every file again: verify-tarball and the checksums agree.
    const verify = await cli(
      ["verify-tarball", join(root, "out", "pivoine.tar.gz"), "--against", join(root, "out")],
      root,
    );
    expect(verify.code).toBe(0);
  });

  test("a staging folder an interrupted render left (it may hold the secret) is removed by the next render", async () => {
    const root = tempDir("homegarden-out-");
    const leftover = join(root, ".out.new-0123456789ab");
    mkdirSync(leftover, { mode: 0o700 });
    writeFileSync(join(leftover, OWNER_MARKER), "homegarden render: x\n");
    writeFileSync(join(leftover, "keepalived.conf"), "auth_pass secret\n");
    const empty = join(root, ".out.new-ba9876543210");
    mkdirSync(empty);
    const foreign = join(root, ".out.new-aaaaaaaaaaaa");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "not-ours.txt"), "x");
    expect((await renderInto(root, "out")).code).toBe(0);
    expect(readdirSync(root).sort()).toEqual([".out.new-aaaaaaaaaaaa", "out"]);
  });

  test("a render killed with SIGKILL, then a new one: a complete render and no staging folder", async () => {
    const root = tempDir("homegarden-out-");
    const bin = resolve(packageRoot, "bin", "homegarden");
    for (const delayMs of [150, 300, 450]) {
      const child = spawn(process.execPath, [bin, "render", "-q", "-o", "out"], {
        cwd: root,
        env: { ...process.env, ...TEST_ENV, HOMEGARDEN_NO_CACHE: "1" },
        stdio: "ignore",
      });
      await new Promise((done) => setTimeout(done, delayMs));
      child.kill("SIGKILL");
      await new Promise((done) => child.once("exit", done));
    }
    expect((await renderInto(root, "out")).code).toBe(0);
    expect(readdirSync(root)).toEqual(["out"]);
    const verify = await cli(
      ["verify-tarball", join(root, "out", "petunia.tar.gz"), "--against", join(root, "out")],
      root,
    );
    expect(verify.code).toBe(0);
  });
});
