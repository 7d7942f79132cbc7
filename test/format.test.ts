/**
 * RUNBOOK.md's tables are aligned by one helper (src/render/markdown-table.ts) and plan.json is
 * JSON.stringify's, keys sorted; prettier, which formats only this project's own code, is the
 * independent judge of the tables: it must leave them exactly as they are.
 */
import fc from "fast-check";
import * as prettier from "prettier";
import { alignTables } from "../src/markdown-table.js";
import { sortedKeys } from "../src/sorted-json.js";
import { ringConfig } from "../scripts/ring-config.mjs";
import { writeConfig } from "./support/configs.js";
import { renderConfig } from "./support/render.js";

const prettierMarkdown = (text: string) => prettier.format(text, { parser: "markdown", proseWrap: "preserve" });

const key = fc.oneof(fc.constantFrom("a", "name", "address", "ringInterfaces", "x"), fc.string({ maxLength: 12 }));
const scalar = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

/** What sortedKeys replaced: sort keys, then a JSON round trip for JSON's rules on undefined, NaN and toJSON. */
function sortedByRoundTrip(value: unknown): unknown {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === "object" && !(v instanceof Date)) {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  const text = JSON.stringify(sort(value)) as string | undefined;
  return text === undefined ? undefined : JSON.parse(text);
}

describe("sortedKeys", () => {
  const loose = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      scalar,
      fc.constantFrom(undefined, Number.NaN, Infinity, new Date(0), "__proto__"),
      tie("array"),
      tie("object"),
    ),
    array: fc.array(tie("value"), { maxLength: 6 }),
    object: fc.dictionary(fc.oneof(key, fc.constant("__proto__")), tie("value"), { maxKeys: 6 }),
  })).value;

  test("gives what sorting the keys and a JSON round trip give, key order included", () => {
    fc.assert(
      fc.property(loose, (value) => {
        expect(JSON.stringify(sortedKeys(value))).toBe(JSON.stringify(sortedByRoundTrip(value)));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("alignTables", () => {
  test("gives prettier's bytes for tables, and leaves code fences and prose alone", async () => {
    const text = [
      "# T",
      "",
      "| a | long header | c |",
      "| --- | --- | --- |",
      "| `x` | 1 |  |",
      "| yy | 22 | zzz |",
      "",
      "```",
      "| not | a table |",
      "| --- | --- |",
      "```",
      "",
    ].join("\n");
    expect(alignTables(text)).toBe(await prettierMarkdown(text));
  });

  test("keeps alignment colons, an escaped pipe inside a cell and characters outside ASCII", async () => {
    const text = "| a | b |\n| :-- | --: |\n| a \\| b | é |\n| 1 | 22222 |\n";
    expect(alignTables(text)).toBe(await prettierMarkdown(text));
  });
});

describe("real renders", () => {
  test.each([
    ["the example", undefined],
    ["a ring of 16 nodes", 16],
  ])("prettier leaves RUNBOOK.md of %s unchanged; plan.json is the plan, keys sorted", async (_, nodes) => {
    const config = nodes === undefined ? undefined : writeConfig(ringConfig(nodes)).file;
    const rendered = await renderConfig(config);
    const runbook = rendered.text("RUNBOOK.md");
    const plan = rendered.text("plan.json");
    expect(runbook).toContain("| Step ");
    expect(await prettierMarkdown(runbook)).toBe(runbook);
    expect(plan).toBe(`${JSON.stringify(sortedKeys(rendered.check.plan), null, 2)}\n`);
    expect(JSON.parse(plan)).toEqual(JSON.parse(JSON.stringify(rendered.check.plan)));
  });
});
