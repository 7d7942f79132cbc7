/**
 * The writer and the output layout: no artifact path can leave its bundle, a symlink planted in
 * out/ is never followed, and a failed write leaves the previous out/ exactly as it was.
 */
import { lstatSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { outPath, UnsafePathError } from "../src/bundle/layout.js";
import { writeOutputAtomically, type OutputFile } from "../src/bundle/write.js";
import { MODE_FILE } from "../src/artifact.js";
import { main } from "../src/cli/main.js";
import { TEST_ENV, tempDir } from "./support/render.js";
import { snapshotTree } from "./support/tree.js";

const file = (path: string, content = "x\n"): OutputFile => ({ path, mode: MODE_FILE, content });

async function render(cwd: string): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const code = await main(["render"], { stdout: () => {}, stderr: (t) => (stderr += t), env: TEST_ENV, cwd });
  return { code, stderr };
}

/** A folder outside out/ with one file: what a planted symlink points at. */
function outsideTarget(root: string): { dir: string; file: string; snapshot: () => Record<string, string> } {
  const dir = join(root, "outside");
  mkdirSync(dir);
  writeFileSync(join(dir, "precious.txt"), "must not change\n");
  return { dir, file: join(dir, "precious.txt"), snapshot: () => snapshotTree(dir) };
}

describe("output paths", () => {
  test.each([
    ["parent folder", { node: "..", path: "run.sh" }],
    ["node with a slash", { node: "a/b", path: "run.sh" }],
    ["climbing path", { node: "pivoine", path: "files/../../../etc/passwd" }],
    ["absolute path", { node: "pivoine", path: "/etc/passwd" }],
    ["NUL byte", { node: "pivoine", path: "files/etc/x\0y" }],
    ["backslash", { node: "pivoine", path: "files\\..\\x" }],
    ["empty segment", { node: "pivoine", path: "files//x" }],
    ["hidden dot segment", { path: ".ssh/authorized_keys" }],
    ["newline", { node: "pivoine", path: "files/x\ny" }],
  ])("refuses %s", (_what, where) => {
    expect(() => outPath({ ...where, mode: MODE_FILE, content: "", source: "test" })).toThrow(UnsafePathError);
  });

  test("accepts the bundle layout's real paths", () => {
    expect(
      outPath({
        node: "pivoine",
        path: "files/etc/keepalived/keepalived.conf",
        mode: MODE_FILE,
        content: "",
        source: "t",
      }),
    ).toBe("pivoine/files/etc/keepalived/keepalived.conf");
  });

  test("the writer refuses an unsafe path before it creates anything", async () => {
    const root = tempDir();
    const out = join(root, "out");
    mkdirSync(out);
    writeFileSync(join(out, "old.txt"), "previous\n");
    const before = snapshotTree(root);
    await expect(writeOutputAtomically(out, [file("a.txt"), file("../escaped.txt")])).rejects.toThrow(UnsafePathError);
    expect(snapshotTree(root)).toEqual(before);
  });

  test("a write that fails halfway removes its staging folder and keeps the previous out/", async () => {
    const root = tempDir();
    const out = join(root, "out");
    await writeOutputAtomically(out, [file("old.txt", "previous\n")]);
    const before = snapshotTree(root);
    // "a" becomes a file, so "a/b" cannot be created under it.
    await expect(writeOutputAtomically(out, [file("a"), file("a/b")])).rejects.toThrow(/ENOTDIR|EEXIST/);
    expect(snapshotTree(root)).toEqual(before);
  });
});

describe("symlinks planted in out/", () => {
  test("links inside out/ to a folder and a file outside make render refuse, and nothing is followed", async () => {
    const cwd = tempDir();
    const outside = outsideTarget(cwd);
    const out = join(cwd, "out");
    mkdirSync(out);
    symlinkSync(outside.dir, join(out, "pivoine")); // the bundle folder itself
    symlinkSync(outside.file, join(out, "SHA256SUMS")); // a top-level file
    mkdirSync(join(out, "petunia"));
    symlinkSync(outside.dir, join(out, "petunia", "files")); // a folder inside a bundle
    const before = outside.snapshot();

    const result = await render(cwd);
    // The links are not homegarden's: the folder is refused, and neither it nor the targets change.
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /error HG012 output folder out holds .*, which is not a regular file: homegarden did not write it; nothing was written/,
    );
    expect(outside.snapshot()).toEqual(before);
    for (const p of ["pivoine", "petunia/files", "SHA256SUMS"])
      expect(lstatSync(join(out, p)).isSymbolicLink()).toBe(true);
    expect(readdirSync(outside.dir)).toEqual(["precious.txt"]);
  });

  test("an out/ that is itself a symlink is refused; the link and its target stay untouched", async () => {
    const cwd = tempDir();
    const outside = outsideTarget(cwd);
    symlinkSync(outside.dir, join(cwd, "out"));
    const before = outside.snapshot();
    const result = await render(cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error HG012 output folder out is a symlink (to ");
    expect(lstatSync(join(cwd, "out")).isSymbolicLink()).toBe(true);
    expect(outside.snapshot()).toEqual(before);
  });
});

describe("modes on disk", () => {
  test("files and folders get exactly their planned modes whatever the umask, and the umask is restored", async () => {
    const out = join(tempDir(), "out");
    const previous = process.umask(0o077);
    try {
      await writeOutputAtomically(out, [
        { path: "n1/run.sh", mode: 0o755, content: "#!/bin/sh\n" },
        { path: "n1/files/etc/keepalived/keepalived.conf", mode: 0o600, content: "secret\n" },
        { path: "n1/files/etc/modules-load.d/drbd.conf", mode: 0o644, content: "drbd\n" },
      ]);
      expect(process.umask()).toBe(0o077);
    } finally {
      process.umask(previous);
    }
    const mode = (p: string) => lstatSync(join(out, p)).mode & 0o777;
    expect(mode("n1/run.sh")).toBe(0o755);
    expect(mode("n1/files/etc/keepalived/keepalived.conf")).toBe(0o600);
    expect(mode("n1/files/etc/modules-load.d/drbd.conf")).toBe(0o644);
    for (const dir of ["n1", "n1/files", "n1/files/etc", "n1/files/etc/keepalived"]) expect(mode(dir)).toBe(0o755);
  });
});
