/**
 * The bad-config corpus: every module in test/bad-configs/ breaks exactly one rule (or tries one
 * injection). `homegarden check` must print exactly one diagnostic, with the code named in the
 * file's `// expect: CODE severity` header, on the line that carries the `// <- CODE` marker;
 * `homegarden render` must fail the same way and leave a previous out/ byte for byte as it was.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync, cpSync } from "node:fs";
import { join, resolve } from "node:path";
import { cli } from "./support/cli.js";
import { catalogue } from "../src/diagnostics/catalogue.js";
import { maskUrlCredentials } from "../src/diagnostics/diagnostic.js";
import { TEST_ENV, tempDir } from "./support/render.js";
import { snapshotTree } from "./support/tree.js";
import { OWNER_MARKER, ownerMarker } from "../src/bundle/ownership.js";

const CORPUS = resolve(import.meta.dirname, "bad-configs");

interface Case {
  name: string;
  file: string;
  source: string;
  code: string;
  severity: "error" | "warning";
  line: number;
  env: NodeJS.ProcessEnv;
}

function readCase(name: string): Case {
  const file = join(CORPUS, name);
  const source = readFileSync(file, "utf8");
  const expect = /^\/\/ expect: (HG\d{3}) (error|warning)$/m.exec(source);
  if (!expect) throw new Error(`${name}: no "// expect: CODE severity" header`);
  const code = expect[1];
  // "x: 1, // <- CODE" marks its own line; a comment line "// ^ CODE" marks the line above it.
  const lines = source.split("\n");
  const marked = lines.flatMap((l, i) =>
    l.includes(`// <- ${code}`) ? [i + 1] : l.trim() === `// ^ ${code}` ? [i] : [],
  );
  if (marked.length !== 1) throw new Error(`${name}: ${marked.length} lines marked for ${code}, want 1`);
  const env: NodeJS.ProcessEnv = { ...TEST_ENV };
  for (const m of source.matchAll(/^\/\/ env: ([A-Z_]+)=(".*")$/gm)) env[m[1]] = JSON.parse(m[2]) as string;
  return { name, file, source, code, severity: expect[2] as Case["severity"], line: marked[0], env };
}

const cases = readdirSync(CORPUS)
  .filter((f) => f.endsWith(".config.ts"))
  .sort()
  .map(readCase);

/** The head line of every diagnostic in text output: file:line:col severity CODE message. */
const HEAD = /^(\S+):(\d+):(\d+) (error|warning) (HG\d{3}) (.*)$/;

describe("bad-config corpus", () => {
  test("has at least 40 cases, and every expected code is in the catalogue", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const codes = new Set(Object.values(catalogue).map((e) => e.code));
    for (const c of cases) expect({ case: c.name, known: codes.has(c.code) }).toEqual({ case: c.name, known: true });
  });

  test.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const cwd = tempDir("homegarden-bad-");
    // The config is checked where it lies, so `{ file: ... }` secrets next to it are found.
    const check = await cli(["check", c.file], cwd, c.env);
    const heads = check.stderr
      .split("\n")
      .map((l) => HEAD.exec(l))
      .filter((m) => m !== null);
    expect(heads.map((m) => `${m[2]} ${m[4]} ${m[5]}`)).toEqual([`${c.line} ${c.severity} ${c.code}`]);
    expect(heads[0][1]).toBe(c.file);
    // The code frame under the head shows the marked line of the user's file, a URL's credentials masked.
    expect(check.stderr).toContain(`${c.line} | ${maskUrlCredentials(c.source.split("\n")[c.line - 1])}`);
    expect(check.stderr).not.toMatch(/:\/\/[^\s/@*]+:[^\s/@]*@/);
    for (const [key, value] of Object.entries(c.env)) {
      if (key !== "HOMEGARDEN_VRRP_PASSWORD" || !value) continue;
      expect(check.stdout + check.stderr).not.toContain(value);
    }

    if (c.severity === "warning") {
      expect(check.code).toBe(0);
      const strict = await cli(["check", "--strict", "--json", c.file], cwd, c.env);
      expect(strict.code).toBe(1);
      const report = JSON.parse(strict.stdout) as { ok: boolean; diagnostics: { code: string; line: number }[] };
      expect(report.ok).toBe(false);
      expect(report.diagnostics.map((d) => `${d.line} ${d.code}`)).toEqual([`${c.line} ${c.code}`]);
      return;
    }
    expect(check.code).toBe(1);

    // render fails the same way, exits 2 and leaves the previous out/ exactly as it was.
    mkdirSync(join(cwd, "out", "pivoine"), { recursive: true });
    writeFileSync(join(cwd, "out", "pivoine", "run.sh"), "#!/bin/sh\necho previous render\n");
    writeFileSync(join(cwd, "out", "SHA256SUMS"), "previous\n");
    writeFileSync(join(cwd, "out", OWNER_MARKER), ownerMarker(["SHA256SUMS", "pivoine/run.sh"]));
    const before = snapshotTree(join(cwd, "out"));
    const render = await cli(["render", "--json", c.file], cwd, c.env);
    expect(render.code).toBe(2);
    const report = JSON.parse(render.stdout) as {
      ok: boolean;
      diagnostics: { code: string; severity: string; file: string; line: number; column: number }[];
    };
    expect(report.ok).toBe(false);
    expect(report.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.code}`)).toEqual([
      `${c.file}:${c.line} error ${c.code}`,
    ]);
    expect(snapshotTree(join(cwd, "out"))).toEqual(before);
    expect(readdirSync(cwd).sort()).toEqual(["out"]);
  });

  test("a bad config copied next to a secrets file still reads that file (secrets are relative to the module)", async () => {
    const dir = tempDir("homegarden-bad-");
    cpSync(join(CORPUS, "secret-file-missing.config.ts"), join(dir, "homegarden.config.ts"));
    writeFileSync(join(dir, "vrrp-password.missing"), "fIle0k\n");
    const result = await cli(["check"], dir, {});
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });
});
