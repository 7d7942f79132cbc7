/**
 * RUNBOOK.md and plan.json are laid out without loading prettier (src/render/format.ts); prettier
 * itself is the judge here: on random JSON values and on real renders, prettier must leave our
 * output exactly as it is (and give the same bytes from the compact JSON).
 */
import fc from "fast-check";
import * as prettier from "prettier";
import { alignMarkdownTables, formatJson } from "../src/render/format.js";
import { sortedKeys } from "../src/render/runbook.js";
import { ringConfig } from "../scripts/ring-config.mjs";
import { writeConfig } from "./support/configs.js";
import { renderConfig } from "./support/render.js";

const prettierJson = (value: unknown) => prettier.format(JSON.stringify(value), { parser: "json" });
const prettierMarkdown = (text: string) => prettier.format(text, { parser: "markdown", proseWrap: "preserve" });

const key = fc.oneof(fc.constantFrom("a", "name", "address", "ringInterfaces", "x"), fc.string({ maxLength: 12 }));
const scalar = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, scalar, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 6 }),
  object: fc.dictionary(key, tie("value"), { maxKeys: 6 }),
})).value;

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

describe("formatJson", () => {
  test("gives prettier's bytes for random JSON values", async () => {
    await fc.assert(
      fc.asyncProperty(json, async (value) => {
        expect(formatJson(value)).toBe(await prettierJson(value));
      }),
      { numRuns: 400 },
    );
  });

  test("gives prettier's bytes for arrays of numbers that must wrap", async () => {
    const value = { ports: Array.from({ length: 40 }, (_, i) => 5200 + i * 7), nested: [[1, 2], [3]] };
    expect(formatJson(value)).toBe(await prettierJson(value));
  });
});

describe("alignMarkdownTables", () => {
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
    expect(alignMarkdownTables(text)).toBe(await prettierMarkdown(text));
  });

  test("hands tables it cannot align exactly to prettier", () => {
    expect(alignMarkdownTables("| a | b |\n| :-- | --: |\n| 1 | 2 |\n")).toBeUndefined();
    expect(alignMarkdownTables("| a | b |\n| --- | --- |\n| é | 2 |\n")).toBeUndefined();
    expect(alignMarkdownTables("| a | b |\n| --- | --- |\n| a \\| b | 2 |\n")).toBeUndefined();
  });
});

describe("real renders", () => {
  test.each([
    ["the example", undefined],
    ["a ring of 16 nodes", 16],
  ])("prettier leaves RUNBOOK.md and plan.json of %s unchanged", async (_, nodes) => {
    const config = nodes === undefined ? undefined : writeConfig(ringConfig(nodes)).file;
    const rendered = await renderConfig(config);
    const runbook = rendered.text("RUNBOOK.md");
    const plan = rendered.text("plan.json");
    expect(runbook).toContain("| Step ");
    expect(await prettierMarkdown(runbook)).toBe(runbook);
    expect(await prettier.format(plan, { parser: "json" })).toBe(plan);
  });
});
