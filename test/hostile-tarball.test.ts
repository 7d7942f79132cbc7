/**
 * Tarballs and folders that travelled between machines are hostile input too. verify-tarball and
 * diff must answer every damaged or crafted one with a clear message naming the tarball and the
 * entry, exit 1, bounded memory, and never a raw error or a hang.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createGzip, gzipSync } from "node:zlib";
import { createWriteStream } from "node:fs";
import { packageRoot } from "../src/paths.js";
import { cli } from "./support/cli.js";
import { TEST_ENV, tempDir } from "./support/render.js";

/** One ustar header block for `name` with `typeflag`, its checksum filled in. */
function header(name: string, typeflag: string, size = 0, mode = 0o644): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, "utf8");
  block.write(`${mode.toString(8).padStart(7, "0")}\0`, 100);
  block.write("0000000\0", 108);
  block.write("0000000\0", 116);
  block.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  block.write("00000000000\0", 136);
  block.write("        ", 148);
  block.write(typeflag, 156);
  block.write("ustar\0", 257);
  block.write("00", 263);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return block;
}

function tarOf(entries: { name: string; type?: string; content?: Buffer }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const content = e.content ?? Buffer.alloc(0);
    blocks.push(header(e.name, e.type ?? "0", content.length));
    blocks.push(content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

const manifest = (text: string) => ({ name: "pivoine/MANIFEST.json", content: Buffer.from(text) });

const CASES: [string, () => Buffer, RegExp][] = [
  ["random bytes", () => randomBytes(4096), /is not gzip data/],
  [
    "a truncated gzip",
    () => gzipSync(tarOf([{ name: "pivoine/run.sh", content: randomBytes(9000) }])).subarray(0, 600),
    /cut short/,
  ],
  ["tar data with no end", () => gzipSync(header("pivoine/run.sh", "0", 10)), /cut short/],
  [
    "a damaged header",
    () => gzipSync(Buffer.concat([Buffer.alloc(512, 65), Buffer.alloc(1024)])),
    /damaged tar header/,
  ],
  [
    "an entry outside the node folder",
    () => gzipSync(tarOf([{ name: "../etc/passwd" }])),
    /entry "\.\.\/etc\/passwd": its path leaves the bundle folder/,
  ],
  ["an absolute path", () => gzipSync(tarOf([{ name: "/etc/cron.d/x" }])), /its path leaves the bundle folder/],
  [
    "a symlink entry",
    () => gzipSync(tarOf([{ name: "pivoine/run.sh", type: "2" }])),
    /entry pivoine\/run\.sh: is a symlink/,
  ],
  ["a hard link entry", () => gzipSync(tarOf([{ name: "pivoine/run.sh", type: "1" }])), /is a hard link/],
  ["a device entry", () => gzipSync(tarOf([{ name: "pivoine/sda", type: "4" }])), /is a block device/],
  ["a FIFO entry", () => gzipSync(tarOf([{ name: "pivoine/pipe", type: "6" }])), /is a FIFO/],
  ["a MANIFEST.json that is not JSON", () => gzipSync(tarOf([manifest("{ not json")])), /MANIFEST\.json is not JSON/],
  [
    "a MANIFEST.json of the wrong shape",
    () => gzipSync(tarOf([manifest('{"node": 1, "files": {}}')])),
    /is not a bundle manifest/,
  ],
  [
    "a MANIFEST.json with a bad file entry",
    () => gzipSync(tarOf([manifest('{"node": "pivoine", "files": [{"path": 3}]}')])),
    /files\[0\] is not a file entry/,
  ],
];

describe("verify-tarball on hostile tarballs", () => {
  test.each(CASES)("%s", async (_what, make, message) => {
    const dir = tempDir("homegarden-tar-");
    const file = join(dir, "pivoine.tar.gz");
    writeFileSync(file, make());
    const result = await cli(["verify-tarball", file], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: `));
    expect(result.stdout).toMatch(message);
    expect(result.stdout + result.stderr).not.toMatch(/^\s+at |Error:|ERR_|incorrect header check/m);
  });

  test("a FIFO given as the tarball is refused at once", async () => {
    const dir = tempDir("homegarden-tar-");
    execFileSync("mkfifo", [join(dir, "pipe.tar.gz")]);
    const result = await cli(["verify-tarball", join(dir, "pipe.tar.gz")], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/is a FIFO \(named pipe\), not a regular file/);
  });

  test("a gzip bomb stops at the unpacked-size cap, with bounded memory", async () => {
    const dir = tempDir("homegarden-tar-");
    const file = join(dir, "bomb.tar.gz");
    // 1 GiB of zeros: about 1 MiB compressed.
    await new Promise<void>((done, fail) => {
      const gzip = createGzip({ level: 9 });
      gzip.pipe(createWriteStream(file)).on("finish", done).on("error", fail);
      const chunk = Buffer.alloc(1024 * 1024);
      let left = 1024;
      const pump = (): void => {
        while (left > 0) {
          left -= 1;
          if (!gzip.write(chunk)) return void gzip.once("drain", pump);
        }
        gzip.end();
      };
      pump();
    });
    const timings = join(dir, "timings.json");
    const run = spawnSync(process.execPath, [resolve(packageRoot, "bin", "homegarden"), "verify-tarball", file], {
      cwd: dir,
      env: { ...process.env, ...TEST_ENV, HOMEGARDEN_TIMINGS: timings },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/unpacks to more than 64 MiB, far more than any bundle \(a gzip bomb\?\)/);
    const { maxRssKiB } = JSON.parse(readFileSync(timings, "utf8")) as { maxRssKiB: number };
    // The cap is 64 MiB of unpacked data; Node itself takes about 60 MiB.
    expect(maxRssKiB).toBeLessThan(256 * 1024);
  });
});

describe("diff --against what came back", () => {
  test("a tarball as it arrived on the node: no changes against its own render, then one after tampering", async () => {
    const root = tempDir("homegarden-tar-");
    expect((await cli(["render", "-q"], root)).code).toBe(0);
    const same = await cli(["diff", "--against", "out/pivoine.tar.gz"], root);
    expect(same.stdout).toContain("no changes against out/pivoine.tar.gz/");
    expect(same.code).toBe(0);
    const bad = join(root, "bad.tar.gz");
    writeFileSync(bad, randomBytes(100));
    const damaged = await cli(["diff", "--against", bad], root);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/bad\.tar\.gz: is not gzip data/);
  });

  test("a FIFO and a device in the folder are reported, never opened", async () => {
    const root = tempDir("homegarden-tar-");
    expect((await cli(["render", "-q"], root)).code).toBe(0);
    execFileSync("mkfifo", [join(root, "out", "pivoine", "fifo")]);
    mkdirSync(join(root, "out", "dev"));
    execFileSync("ln", ["-s", "/dev/zero", join(root, "out", "dev", "zero")]);
    const result = await cli(["diff", "--stat", "--against", "out"], root, TEST_ENV);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/removed +pivoine\/fifo/);
    expect(result.stdout).toMatch(/removed +dev\/zero/);
  });
});
