/** Reading generated Markdown in tests. */

/**
 * Rows of the first Markdown table whose header row starts with these cells, as arrays of trimmed
 * cells (header and delimiter rows left out); [] when there is no such table.
 */
export function tableRows(markdown: string, header: string | string[]): string[][] {
  const wanted = typeof header === "string" ? [header] : header;
  const cellsOf = (line: string): string[] =>
    line
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => l.startsWith("|") && wanted.every((h, i) => cellsOf(l)[i] === h));
  if (start < 0) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(cellsOf(line));
  }
  return rows;
}
