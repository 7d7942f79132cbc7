/** Same config and version give identical bytes, tarballs included. */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../src/cli/main.js";
import { TEST_ENV, tempDir } from "./support/render.js";

async function renderInto(env: NodeJS.ProcessEnv): Promise<string> {
  const cwd = tempDir();
  const code = await main(["render"], { stdout: () => {}, stderr: () => {}, env, cwd });
  expect(code).toBe(0);
  return join(cwd, "out");
}

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(p.slice(dir.length + 1), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

describe("reproducible output", () => {
  test("two renders in different folders are byte-identical", async () => {
    const a = files(await renderInto(TEST_ENV));
    const b = files(await renderInto(TEST_ENV));
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [path, content] of a) expect(b.get(path)!.equals(content)).toBe(true);
  });

  test("tarballs hold sorted entries with mtime 0, uid/gid 0 and explicit modes", async () => {
    const out = await renderInto(TEST_ENV);
    const listing = execFileSync("tar", ["--numeric-owner", "-tvzf", join(out, "pivoine.tar.gz")], { encoding: "utf8" })
      .trim()
      .split("\n");
    const names = listing.map((l) => l.split(/\s+/).slice(5).join(" "));
    expect(names).toEqual([...names].sort());
    expect(names[0]).toBe("pivoine/");
    for (const line of listing) expect(line).toMatch(/^\S+ 0\/0 .* 1970-01-01 00:00 /);
    expect(listing.find((l) => l.endsWith(" pivoine/run.sh"))).toMatch(/^-rwxr-xr-x /);
    expect(listing.find((l) => l.endsWith(" pivoine/files/etc/keepalived/keepalived.conf"))).toMatch(/^-rw------- /);
    expect(listing.find((l) => l.endsWith(" pivoine/files/etc/linstor/linstor-client.conf"))).toMatch(/^-rw-r--r-- /);
    // gzip header: no file name flag, mtime 0.
    const gz = readFileSync(join(out, "pivoine.tar.gz"));
    expect(gz[3] & 0x08).toBe(0);
    expect(gz.readUInt32LE(4)).toBe(0);
  });

  test("SOURCE_DATE_EPOCH sets the tar mtime", async () => {
    const out = await renderInto({ ...TEST_ENV, SOURCE_DATE_EPOCH: "1700000000" });
    const listing = execFileSync("tar", ["--numeric-owner", "--utc", "-tvzf", join(out, "dahlia.tar.gz")], {
      encoding: "utf8",
    });
    expect(listing).toContain("2023-11-14 22:13");
    expect(listing).not.toContain("1970-01-01");
  });

  test("no generated file names a path of the machine that rendered it", async () => {
    const out = await renderInto(TEST_ENV);
    for (const [path, content] of files(out)) {
      if (path.endsWith(".tar.gz")) continue;
      expect(content.toString()).not.toContain(process.cwd());
      expect(content.toString()).not.toContain(out);
    }
  });
});
