/** The one shell-quoting function: bash reads back exactly the value it was given. */
import { spawnSync } from "node:child_process";
import fc from "fast-check";
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
