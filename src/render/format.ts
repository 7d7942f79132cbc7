/**
 * Formats the generated JSON and Markdown exactly as prettier does (printWidth 80, the layout
 * prettier gives `JSON.stringify` output and tables it aligns), without loading prettier: prettier
 * was most of the render time, and for large clusters by far. test/format.test.ts holds the output
 * to prettier's own on random values and on real renders; anything the fast path does not cover
 * goes to prettier itself.
 */
const PRINT_WIDTH = 80;

/** Prettier's layout of a JSON value: a group prints on one line when it fits, else one entry per line. */
export function formatJson(value: unknown): string {
  return `${printJson(value, "", 0, 0)}\n`;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | Record<string, Json>;

function isContainer(v: unknown): v is Container {
  return v !== null && typeof v === "object";
}

/** Whether a container has at least `n` entries, without listing an object's keys. */
function hasEntries(v: Container, n: number): boolean {
  if (Array.isArray(v)) return v.length >= n;
  let count = 0;
  for (const _ in v) if (++count >= n) return true;
  return n <= 0;
}

/**
 * The width of `v` printed on one line, or Infinity when prettier would break it (it holds a group
 * that must break) or it is wider than a line anyway. Stops counting past the print width, so each
 * container costs at most about a line's worth of work however large it is (plan.json of a
 * 256-node ring is 12 MB).
 */
function flatWidth(v: unknown, limit: number): number {
  if (!isContainer(v)) return scalar(v).length;
  if (Array.isArray(v)) {
    if (v.length === 0) return 2;
    // Prettier breaks an array of two or more objects (or arrays) that each have two or more entries.
    if (v.length > 1 && isContainer(v[0])) {
      const firstIsArray = Array.isArray(v[0]);
      if (v.every((e) => isContainer(e) && Array.isArray(e) === firstIsArray && hasEntries(e, 2))) return Infinity;
    }
    let width = 2 + (v.length - 1) * 2;
    for (const e of v) {
      if (width > limit) return width;
      width += flatWidth(e, limit - width);
    }
    return width;
  }
  let width = 2;
  for (const k in v) {
    width += 2 + quotedKey(k).length + 2; // "{ " or ", " before the entry, then `"k": `
    if (width > limit) return width;
    width += flatWidth(v[k], limit - width);
  }
  return width;
}

const quotedKeys = new Map<string, string>();
function quotedKey(k: string): string {
  let quoted = quotedKeys.get(k);
  if (quoted === undefined) {
    quoted = JSON.stringify(k);
    quotedKeys.set(k, quoted);
  }
  return quoted;
}

/** Prettier writes exponents without "+" (1e21); JSON.stringify gives every other number as prettier does. */
function scalar(v: unknown): string {
  return typeof v === "number" ? JSON.stringify(v).replace("e+", "e") : JSON.stringify(v);
}

function flatOf(v: unknown): string {
  if (!isContainer(v)) return scalar(v);
  if (Array.isArray(v)) return v.length === 0 ? "[]" : `[${v.map(flatOf).join(", ")}]`;
  const keys = Object.keys(v);
  return keys.length === 0 ? "{}" : `{ ${keys.map((k) => `${quotedKey(k)}: ${flatOf(v[k])}`).join(", ")} }`;
}

/** `column`: where the value starts on its line; `trailing`: characters that follow it on that line. */
function printJson(v: unknown, indent: string, column: number, trailing: number): string {
  if (!isContainer(v)) return scalar(v);
  if (!hasEntries(v, 1)) return Array.isArray(v) ? "[]" : "{}";
  const room = PRINT_WIDTH - column - trailing;
  if (flatWidth(v, room) <= room) return flatOf(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.every((e) => typeof e === "number")) return fillNumbers(v as number[], indent);
    const items = v.map((e, i) => inner + printJson(e, inner, inner.length, i < v.length - 1 ? 1 : 0));
    return `[\n${items.join(",\n")}\n${indent}]`;
  }
  const keys = Object.keys(v);
  const entries = keys.map((k, i) => {
    const key = `${quotedKey(k)}: `;
    return inner + key + printJson(v[k], inner, inner.length + key.length, i < keys.length - 1 ? 1 : 0);
  });
  return `{\n${entries.join(",\n")}\n${indent}}`;
}

/** Prettier fills arrays of numbers: as many per line as fit, each with its comma. */
function fillNumbers(v: number[], indent: string): string {
  const inner = `${indent}  `;
  const lines: string[] = [];
  let line = "";
  v.forEach((n, i) => {
    const text = scalar(n) + (i < v.length - 1 ? "," : "");
    if (line === "") line = inner + text;
    else if (line.length + 1 + text.length <= PRINT_WIDTH) line += ` ${text}`;
    else {
      lines.push(line);
      line = inner + text;
    }
  });
  lines.push(line);
  return `[\n${lines.join("\n")}\n${indent}]`;
}

/**
 * Pads every Markdown table's cells to its column's width, as prettier does with proseWrap
 * "preserve". Returns undefined when the text has a table this fast path does not handle exactly
 * (non-ASCII or escaped pipes in a cell, alignment colons), so the caller can use prettier.
 */
export function alignMarkdownTables(markdown: string): string | undefined {
  const lines = markdown.split("\n");
  const out: string[] = [];
  let fence: string | undefined;
  for (let i = 0; i < lines.length;) {
    const line = lines[i];
    const fenceMatch = /^(```+|~~~+)/.exec(line);
    if (fenceMatch) {
      if (fence === undefined) fence = fenceMatch[1];
      else if (line.startsWith(fence) && line.trim() === fence) fence = undefined;
    }
    if (fence !== undefined || !line.startsWith("|") || !isDelimiterRow(lines[i + 1])) {
      out.push(line);
      i += 1;
      continue;
    }
    let end = i + 2;
    while (end < lines.length && lines[end].startsWith("|")) end += 1;
    const table = alignTable(lines.slice(i, end));
    if (table === undefined) return undefined;
    out.push(...table);
    i = end;
  }
  return out.join("\n");
}

function isDelimiterRow(line: string | undefined): boolean {
  return line !== undefined && /^\|(\s*:?-+:?\s*\|)+\s*$/.test(line);
}

function cellsOf(row: string): string[] | undefined {
  if (!/^[\x20-\x7e]*$/.test(row) || row.includes("\\")) return undefined;
  const trimmed = row.trim();
  if (!trimmed.endsWith("|")) return undefined;
  return trimmed
    .slice(1, -1)
    .split("|")
    .map((c) => c.trim());
}

function alignTable(rows: string[]): string[] | undefined {
  const delimiter = cellsOf(rows[1]);
  if (!delimiter || delimiter.some((d) => d.includes(":"))) return undefined;
  const body = [rows[0], ...rows.slice(2)].map(cellsOf);
  if (body.some((cells) => cells === undefined || cells.length !== delimiter.length)) return undefined;
  const cells = body as string[][];
  const widths = delimiter.map((_, c) => Math.max(3, ...cells.map((r) => r[c].length)));
  const print = (r: string[]): string => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(" | ")} |`;
  return [print(cells[0]), print(widths.map((w) => "-".repeat(w))), ...cells.slice(1).map(print)];
}
