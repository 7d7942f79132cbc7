/** The one shell-quoting function: bash reads back exactly the value it was given. */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { packageRoot } from "../src/paths.js";
import { shellQuote } from "../src/render/shell.js";

function bashEcho(words: string[]): string[] {
  const script = `printf '%s\\0' ${words.map(shellQuote).join(" ")}`;
  const result = spawnSync("bash", ["-c", script], { encoding: "utf8" });
  expect(result.status).toBe(0);
  return result.stdout.split("\0").slice(0, -1);
}

describe("shellQuote", () => {
  test("hostile values come back unchanged and run nothing", () => {
    const values = [
      "plain",
      "with space",
      "it's",
      "$(touch /tmp/pwned)",
      "`id`",
      "a;b",
      "new\nline",
      "*",
      "",
      "--link0=1",
      "\\",
      '"dq"',
    ];
    expect(bashEcho(values)).toEqual(values);
  });

  test("any string without NUL round-trips through bash", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: "binary" }).filter((s) => !s.includes("\0")),
          { minLength: 1, maxLength: 5 },
        ),
        (values) => {
          expect(bashEcho(values)).toEqual(values);
        },
      ),
      { numRuns: 200 },
    );
  });

  test("refuses a NUL byte", () => {
    expect(() => shellQuote("a\0b")).toThrow(/NUL/);
  });
});

describe("shell templates", () => {
  /** Interpolations that are not config values: loop indexes, generated function names, fixed paths. */
  const NOT_CONFIG = ["i", 'step.id.replace(/-/g, "_")', "it.plan.apt.keyringPath"];

  test("every value printed into a shell script outside a comment goes through it.q or it.qList", () => {
    const root = resolve(packageRoot, "templates");
    const shellTemplates = readdirSync(root, { recursive: true, encoding: "utf8" })
      .filter((p) => p.endsWith(".sh.eta") || p === "run/run.sh.eta")
      .sort();
    expect(shellTemplates.length).toBeGreaterThan(20);
    const unquoted: string[] = [];
    for (const template of shellTemplates) {
      readFileSync(join(root, template), "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (/^\s*#/.test(line)) return; // a comment line: validated names only, never run
          for (const m of line.matchAll(/<%=\s*([\s\S]*?)\s*%>/g)) {
            if (!/^it\.q(List)?\(/.test(m[1]) && !NOT_CONFIG.includes(m[1]))
              unquoted.push(`${template}:${i + 1}: ${m[1]}`);
          }
        });
    }
    expect(unquoted).toEqual([]);
  });
});
