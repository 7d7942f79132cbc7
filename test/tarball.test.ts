/** The tarball writer, judged by GNU tar: names, long paths, sizes on and off block boundaries, modes. */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildTarball } from "../src/bundle/tarball.js";
import { tempDir } from "./support/render.js";

describe("buildTarball", () => {
  test("GNU tar extracts every file with its content and mode", async () => {
    const longPath = `node/files/${"d".repeat(60)}/${"e".repeat(50)}/unit.conf`; // > 100 bytes: ustar prefix
    const files = [
      { path: "node/run.sh", mode: 0o755, content: "#!/bin/sh\necho hi\n" },
      { path: "node/files/etc/secret.conf", mode: 0o600, content: Buffer.from("pw\n") },
      { path: "node/empty", mode: 0o644, content: "" },
      { path: "node/block", mode: 0o644, content: "x".repeat(512) },
      { path: longPath, mode: 0o644, content: "long\n" },
    ];
    const dir = tempDir("homegarden-tar-");
    const archive = join(dir, "node.tar.gz");
    writeFileSync(archive, await buildTarball(files, new Date(1_700_000_000_000)));
    const listing = execFileSync("tar", ["--numeric-owner", "--utc", "-tvzf", archive], { encoding: "utf8" });
    expect(listing).toContain("0/0");
    expect(listing).toContain("2023-11-14 22:13 node/run.sh");
    expect(listing).toContain(longPath);
    execFileSync("tar", ["-xzf", archive, "-C", dir]);
    for (const f of files) {
      expect(readFileSync(join(dir, f.path)).toString()).toBe(f.content.toString());
      expect(statSync(join(dir, f.path)).mode & 0o777).toBe(f.mode);
    }
    expect(statSync(join(dir, "node", "files")).mode & 0o777).toBe(0o755);
  });

  test("refuses names tar cannot hold as ustar", async () => {
    await expect(buildTarball([{ path: `${"x".repeat(120)}`, mode: 0o644, content: "" }], new Date(0))).rejects.toThrow(
      /too long/,
    );
    await expect(buildTarball([{ path: "n/é", mode: 0o644, content: "" }], new Date(0))).rejects.toThrow(/ASCII/);
  });
});
