/** The CLI end to end: exit codes, positioned errors, nothing written on failure. */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { cli } from "./support/cli.js";
import { OWNER_MARKER, ownerMarker } from "../src/bundle/ownership.js";
import { packageRoot } from "../src/paths.js";
import { exampleWith, lineOf, writeConfig, EXAMPLE_SOURCE } from "./support/configs.js";
import { TEST_ENV, tempDir } from "./support/render.js";

function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[p.slice(dir.length + 1)] = readFileSync(p).toString("base64");
    }
  };
  walk(dir);
  return out;
}

describe("homegarden CLI", () => {
  test("render without a config uses the built-in example, says so, and writes three bundles", async () => {
    const cwd = tempDir();
    const result = await cli(["render"], cwd);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("using the built-in example");
    const entries = readdirSync(join(cwd, "out")).sort();
    expect(entries).toEqual([
      ".homegarden-render",
      "RUNBOOK.md",
      "SHA256SUMS",
      "dahlia",
      "dahlia.tar.gz",
      "petunia",
      "petunia.tar.gz",
      "pivoine",
      "pivoine.tar.gz",
      "plan.json",
      "topology.svg",
    ]);
    // The top-level SHA256SUMS verifies with the real sha256sum.
    execFileSync("sha256sum", ["--quiet", "--strict", "-c", "SHA256SUMS"], { cwd: join(cwd, "out") });
    execFileSync("sha256sum", ["--quiet", "--strict", "-c", "SHA256SUMS"], { cwd: join(cwd, "out", "pivoine") });
  });

  test("./homegarden.config.ts in the working folder wins over the example", async () => {
    const { dir } = writeConfig(exampleWith('name: "homegarden",', 'name: "othergarden",'));
    const result = await cli(["plan", "--json"], dir);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain("built-in example");
    expect(JSON.parse(result.stdout).cluster).toBe("othergarden");
  });

  test("check reports ok on the example", async () => {
    const result = await cli(["check"], tempDir());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ok \(3 nodes, 0 warnings\)/);
  });

  test("plan prints links, routes and the step table", async () => {
    const result = await cli(["plan"], tempDir());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/pivoine\s+10\.10\.2\.0\/29\s+10\.10\.0\.2 \(petunia\)\s+enp7s0/);
    expect(result.stdout).toMatch(/16-controller-db-migrate\s+run\s+-\s+-/);
  });

  test("a type error is reported as file:line:col, exits 2, and leaves out/ untouched", async () => {
    const source = exampleWith("virtualRouterId: 51,", 'virtualRouterId: "51",');
    const { dir } = writeConfig(source);
    mkdirSync(join(dir, "out"));
    writeFileSync(join(dir, "out", "previous-render.txt"), "keep me");
    writeFileSync(join(dir, "out", OWNER_MARKER), ownerMarker(["previous-render.txt"]));
    const before = snapshotTree(join(dir, "out"));
    const result = await cli(["render"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `homegarden.config.ts:${lineOf(source, 'virtualRouterId: "51"')}:5 error HG001 TS2322`,
    );
    expect(snapshotTree(join(dir, "out"))).toEqual(before);
  });

  test("a semantic error points at the offending line and names the field", async () => {
    const source = exampleWith('subnet: "10.10.2.0/29"', 'subnet: "10.10.0.0/29"');
    const { dir } = writeConfig(source);
    const result = await cli(["render"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`homegarden.config.ts:${lineOf(source, '{ a: ["petunia", "enp9s0"]')}:`);
    expect(result.stderr).toMatch(
      /error HG205 network 10\.10\.0\.0\/29 \(ring\.links\[2\]\) overlaps 10\.10\.0\.0\/29 \(ring\.links\[0\]\)/,
    );
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  test("a missing secret names the variable and writes nothing", async () => {
    const cwd = tempDir();
    const result = await cli(["render"], cwd, {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("environment variable HOMEGARDEN_VRRP_PASSWORD is not set");
    expect(existsSync(join(cwd, "out"))).toBe(false);
  });

  test("a VRRP password longer than keepalived's 8 characters is refused without echoing it", async () => {
    const result = await cli(["check"], tempDir(), { HOMEGARDEN_VRRP_PASSWORD: "mySecret123" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("HG413 the VRRP password has 11 characters");
    expect(result.stderr).not.toContain("mySecret123");
    expect(result.stderr).toContain(`examples/homegarden.config.ts:${lineOf(EXAMPLE_SOURCE, "password: { env:")}:`);
  });

  test("the installed bin/homegarden renders the example (the README's first command)", () => {
    const cwd = tempDir();
    const result = spawnSync(resolve(packageRoot, "bin", "homegarden"), ["render", "-o", "bundles"], {
      cwd,
      env: { ...process.env, ...TEST_ENV },
      encoding: "utf8",
    });
    expect(result.stderr).toContain("using the built-in example");
    expect(result.status).toBe(0);
    expect(existsSync(join(cwd, "bundles", "pivoine", "run.sh"))).toBe(true);
  });

  test("unknown commands are usage errors", async () => {
    const result = await cli(["frobnicate"], tempDir());
    expect(result.code).toBe(2);
  });
});
