/** Diagnostic format (text and --json), warnings vs --strict, and where secrets may appear. */
import { printable, catalogue } from "../src/diagnostics/catalogue.js";
import { formatDiagnostic } from "../src/diagnostics/diagnostic.js";
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cli } from "./support/cli.js";
import { checkConfig } from "../src/pipeline.js";
import { MODE_SECRET } from "../src/artifact.js";
import { EXAMPLE_SOURCE, exampleWith, lineOf, writeConfig } from "./support/configs.js";
import { renderConfig, TEST_VRRP_PASSWORD, tempDir } from "./support/render.js";

describe("diagnostic text", () => {
  test("head line, then the source line and a caret under the column", () => {
    const text = formatDiagnostic(
      {
        code: "HG410",
        severity: "error",
        message: "virtualRouterId 256 must be a whole number from 1 to 255",
        path: ["keepalived", "virtualRouterId"],
        position: { file: "c.ts", line: 2, column: 5 },
      },
      "a\n    virtualRouterId: 256,\nb",
    );
    expect(text.split("\n")).toEqual([
      "c.ts:2:5 error HG410 virtualRouterId 256 must be a whole number from 1 to 255 (at keepalived.virtualRouterId)",
      "2 |     virtualRouterId: 256,",
      "  |     ^",
    ]);
  });

  test("a config value cannot break a message over lines, and long values are cut", () => {
    expect(catalogue.pveStorageIdInvalid.message("linstor\n\tshared 0")).toContain('"linstor\\n\\tshared 0"');
    expect(printable("x".repeat(500))).toHaveLength(83);
    expect(printable("pivoine")).toBe("pivoine");
  });

  test("TypeScript's multi-line message chain becomes one line", () => {
    expect(catalogue.typeError.message("Type 'A' is not assignable.\n  Types of property 'b' differ.")).toBe(
      "Type 'A' is not assignable. Types of property 'b' differ.",
    );
  });
});

describe("--json reports", () => {
  test("check --json on a good config: ok, no diagnostics, exit 0", async () => {
    const result = await cli(["check", "--json"], tempDir());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      file: expect.stringMatching(/examples\/homegarden\.config\.ts$/),
      nodes: 3,
      diagnostics: [],
    });
  });

  test("check --json lists every finding with file, line, column and config path", async () => {
    const source = exampleWith("virtualRouterId: 51,", "virtualRouterId: 0,\n    advertInterval: 300,");
    const { dir, file } = writeConfig(source);
    const result = await cli(["check", "--json", file], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      diagnostics: [
        {
          code: "HG410",
          severity: "error",
          message: "virtualRouterId 0 must be a whole number from 1 to 255",
          file: "homegarden.config.ts",
          line: lineOf(source, "virtualRouterId: 0"),
          column: 5,
          path: "keepalived.virtualRouterId",
        },
        {
          code: "HG420",
          severity: "error",
          message: "advertInterval 300 must be a whole number from 1 to 255",
          file: "homegarden.config.ts",
          line: lineOf(source, "advertInterval: 300"),
          column: 5,
          path: "keepalived.advertInterval",
        },
      ],
    });
  });

  test("render --json reports what it wrote", async () => {
    const cwd = tempDir();
    const result = await cli(["render", "--json", "-o", "bundles"], cwd);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      ok: true,
      out: "bundles",
      nodes: ["pivoine", "petunia", "dahlia"],
      diagnostics: [],
    });
    expect(report.files).toBeGreaterThan(30);
  });
});

describe("secrets", () => {
  test("the VRRP password is only in keepalived.conf, which is mode 0600, and never in plan.json or RUNBOOK.md", async () => {
    const rendered = await renderConfig();
    const holders = rendered.files.filter((f) => f.content.toString("latin1").includes(TEST_VRRP_PASSWORD));
    expect(holders.map((f) => [f.path, f.mode])).toEqual(
      ["dahlia", "petunia", "pivoine"].map((n) => [`${n}/files/etc/keepalived/keepalived.conf`, MODE_SECRET]),
    );
  });

  test("a file secret is read relative to the config module, not the working folder", async () => {
    const source = exampleWith('password: { env: "HOMEGARDEN_VRRP_PASSWORD" }', 'password: { file: "vrrp.secret" }');
    const { file } = writeConfig(source);
    writeFileSync(join(dirname(file), "vrrp.secret"), "fromFil1\n");
    const elsewhere = tempDir();
    const result = await cli(["check", file], elsewhere, {});
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  test("a missing file secret names the file, not a value: render refuses (HG412)", async () => {
    const source = exampleWith('password: { env: "HOMEGARDEN_VRRP_PASSWORD" }', 'password: { file: "nope.secret" }');
    const { dir, file } = writeConfig(source);
    const result = await cli(["render", file, "-o", "out"], dir, {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error HG412 secret not available: file nope.secret: no such file");
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  test("check and plan need no secret: an absent one is a warning (HG427), so a CI gate needs none", async () => {
    const { dir, file } = writeConfig(EXAMPLE_SOURCE);
    for (const args of [
      ["check", file],
      ["plan", file],
    ]) {
      const result = await cli(args, dir, {});
      expect({ args: args[0], code: result.code }).toEqual({ args: args[0], code: 0 });
      expect(result.stderr).toContain(
        "warning HG427 secret not available here: environment variable HOMEGARDEN_VRRP_PASSWORD is not set; render needs it",
      );
    }
    const strict = await cli(["check", "--strict", file], dir, {});
    expect(strict.code).toBe(1);
  });
});

describe("names the node's tools would misread", () => {
  const codesOf = async (source: string): Promise<string[]> => {
    const { file } = writeConfig(source);
    const result = await checkConfig(file, { env: { HOMEGARDEN_VRRP_PASSWORD: TEST_VRRP_PASSWORD } });
    return result.ok ? [] : [...new Set(result.diagnostics.map((d) => d.code))];
  };
  // Every node's pool is renamed (the example names the same pool on each).
  const pool = (name: string): Promise<string[]> =>
    codesOf(EXAMPLE_SOURCE.replaceAll('pool: "pool-nvme-01"', `pool: "${name}"`));

  test('ZFS pools: only "log" and names starting with mirror, raidz, draid or spare are zpool\'s words', async () => {
    expect(await pool("logs-nvme")).toEqual([]);
    expect(await pool("tank")).toEqual([]);
    for (const reserved of ["log", "mirror2", "raidz-a", "draid", "spare1"])
      expect({ reserved, codes: await pool(reserved) }).toEqual({ reserved, codes: ["HG116"] });
    expect(await pool(`p${"x".repeat(200)}`)).toEqual(["HG107"]);
  });

  test("a node name glibc reads as an address is refused, hex included", async () => {
    // The first node is renamed everywhere (its ring links name it too).
    const renamed = (name: string): Promise<string[]> => codesOf(EXAMPLE_SOURCE.replaceAll('"pivoine"', `"${name}"`));
    expect(await renamed("0x1f")).toEqual(["HG117"]);
    expect(await renamed("n1234567")).toEqual([]);
  });
});
