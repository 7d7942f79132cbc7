/**
 * Aligns the Markdown tables of a generated text: every cell padded to its column's width (in
 * characters), the delimiter row's dashes as wide, as prettier lays a table out. Fenced code and
 * prose are left as they are. The one helper for RUNBOOK.md; prettier formats only this project's
 * own code.
 */
export function alignTables(markdown: string): string {
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
    out.push(...alignTable(lines.slice(i, end)));
    i = end;
  }
  return out.join("\n");
}

function isDelimiterRow(line: string | undefined): boolean {
  return line !== undefined && /^\|(\s*:?-+:?\s*\|)+\s*$/.test(line);
}

/** The cells of a row: split on "|" that no backslash escapes, trimmed. */
function cellsOf(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, "")
    .replace(/(?<!\\)\|$/, "")
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

const width = (text: string): number => [...text].length;

function alignTable(rows: string[]): string[] {
  const delimiter = cellsOf(rows[1]);
  const body = [rows[0], ...rows.slice(2)].map((r) => {
    const cells = cellsOf(r);
    return delimiter.map((_, c) => cells[c] ?? "");
  });
  const widths = delimiter.map((_, c) => Math.max(3, ...body.map((r) => width(r[c]))));
  const align = delimiter.map((d) =>
    d.startsWith(":") && d.endsWith(":") ? "center" : d.endsWith(":") ? "right" : "left",
  );
  const pad = (cell: string, c: number): string => {
    const space = widths[c] - width(cell);
    const before = align[c] === "right" ? space : align[c] === "center" ? Math.floor(space / 2) : 0;
    return " ".repeat(before) + cell + " ".repeat(space - before);
  };
  const print = (cells: string[]): string => `| ${cells.map(pad).join(" | ")} |`;
  const rule = delimiter.map((d, c) => {
    const left = d.startsWith(":") ? ":" : "";
    const right = d.endsWith(":") ? ":" : "";
    return left + "-".repeat(widths[c] - left.length - right.length) + right;
  });
  return [print(body[0]), `| ${rule.join(" | ")} |`, ...body.slice(1).map(print)];
}
