/**
 * The report's charts as standalone SVG (any browser shows them). Pure and deterministic: numbers are
 * rounded to one decimal. Each result is one element with class "mark" (a <g> per fio result, a
 * <rect> per iperf3 pair), so tools and tests can count them.
 */
import { formatGbps, formatMs, type FioReportRow, type IperfRow } from "./report.js";

const WIDTH = 860;
const LABEL = 230;
const RIGHT = 40;
const ROW = 28;
const TOP = 56;
const PLOT = WIDTH - LABEL - RIGHT;
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
/** One colour per recorded percentile, lowest first (colour-blind safe, Okabe-Ito). */
const PERCENTILE_COLOURS = ["#0072B2", "#009E73", "#E69F00", "#D55E00", "#CC79A7", "#56B4E9", "#000000"];

function n(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function svg(height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT}>`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

function percentileLabel(p: number): string {
  return p === 50 ? "p50 (median)" : `p${p}`;
}

/** Latency percentiles per fio result on a log axis, with the sync-write p99 limit as a dashed line. */
export function latencyChart(rows: FioReportRow[], syncWriteP99Ms: number): string {
  const all = rows.flatMap((r) => r.percentiles.map((p) => p.us));
  const lo = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...all, syncWriteP99Ms * 1000))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all, syncWriteP99Ms * 1000) * 1.0001));
  const x = (us: number) => LABEL + (PLOT * Math.log10(Math.max(us, lo) / lo)) / Math.log10(hi / lo);
  const bottom = TOP + rows.length * ROW;
  const body: string[] = [];
  const recorded = [...new Set(rows.flatMap((r) => r.percentiles.map((p) => p.percentile)))].sort((a, b) => a - b);
  const colour = (p: number) => PERCENTILE_COLOURS[recorded.indexOf(p) % PERCENTILE_COLOURS.length];
  recorded.forEach((p, i) => {
    const lx = LABEL + i * 110;
    body.push(
      `<circle cx="${lx}" cy="38" r="4" fill="${colour(p)}"/><text x="${lx + 8}" y="42">${percentileLabel(p)}</text>`,
    );
  });
  for (let tick = lo; tick <= hi * 1.0001; tick *= 10) {
    const label = tick >= 1000 ? `${tick / 1000} ms` : `${tick} µs`;
    body.push(
      `<line x1="${n(x(tick))}" y1="${TOP - 6}" x2="${n(x(tick))}" y2="${bottom}" stroke="#dddddd"/>`,
      `<text x="${n(x(tick))}" y="${bottom + 16}" text-anchor="middle">${label}</text>`,
    );
  }
  const limitX = n(x(syncWriteP99Ms * 1000));
  body.push(
    `<line x1="${limitX}" y1="${TOP - 6}" x2="${limitX}" y2="${bottom}" stroke="#D55E00" stroke-dasharray="5,4"/>`,
    `<text x="${limitX}" y="${bottom + 32}" text-anchor="middle" fill="#D55E00">sync-write p99 limit ${syncWriteP99Ms} ms</text>`,
  );
  rows.forEach((row, i) => {
    const y = TOP + i * ROW + ROW / 2;
    const first = row.percentiles[0].us;
    const last = row.percentiles[row.percentiles.length - 1].us;
    const label = `${row.job}${row.rw.includes("rw") ? ` (${row.direction})` : ""}`;
    const dots = row.percentiles.map(
      (p) =>
        `<circle cx="${n(x(p.us))}" cy="${y}" r="5" fill="${colour(p.percentile)}"><title>${escapeXml(`${label} ${percentileLabel(p.percentile)}: ${formatMs(p.us)} ms`)}</title></circle>`,
    );
    body.push(
      `<g class="mark" data-job="${escapeXml(row.job)}" data-direction="${row.direction}">`,
      `<text x="${LABEL - 10}" y="${y + 4}" text-anchor="end"${row.aboveLimit ? ' fill="#D55E00" font-weight="bold"' : ""}>${escapeXml(label)}</text>`,
      `<line x1="${n(x(first))}" y1="${y}" x2="${n(x(last))}" y2="${y}" stroke="#888888" stroke-width="2"/>`,
      ...dots,
      "</g>",
    );
  });
  return svg(bottom + 44, "fio latency percentiles per job (log scale)", body);
}

/** One bar per iperf3 pair and network, the line rate as a tick, bars below the share in orange. */
export function throughputChart(rows: IperfRow[], minShareOfLineRate: number): string {
  const max = Math.max(1, ...rows.map((r) => Math.max(r.gbps, r.lineRateGbps ?? 0)));
  const top = Math.ceil(max);
  const x = (gbps: number) => LABEL + (PLOT * gbps) / top;
  const bottom = TOP + rows.length * ROW;
  const step = top <= 10 ? 1 : top <= 40 ? 5 : 10;
  const body: string[] = [
    `<rect x="${LABEL}" y="32" width="14" height="10" fill="#0072B2"/><text x="${LABEL + 20}" y="42">received Gbit/s</text>`,
    `<rect x="${LABEL + 140}" y="32" width="14" height="10" fill="#E69F00"/><text x="${LABEL + 160}" y="42">below ${(minShareOfLineRate * 100).toFixed(0)}% of line rate</text>`,
    `<line x1="${LABEL + 320}" y1="30" x2="${LABEL + 320}" y2="44" stroke="#000000" stroke-width="3"/><text x="${LABEL + 328}" y="42">line rate</text>`,
  ];
  for (let tick = 0; tick <= top; tick += step) {
    body.push(
      `<line x1="${n(x(tick))}" y1="${TOP - 6}" x2="${n(x(tick))}" y2="${bottom}" stroke="#dddddd"/>`,
      `<text x="${n(x(tick))}" y="${bottom + 16}" text-anchor="middle">${tick}</text>`,
    );
  }
  body.push(`<text x="${LABEL + PLOT / 2}" y="${bottom + 32}" text-anchor="middle">Gbit/s</text>`);
  rows.forEach((row, i) => {
    const y = TOP + i * ROW;
    const label = `${row.from} → ${row.to} (${row.network})`;
    const share = row.share === null ? "" : `, ${(row.share * 100).toFixed(1)}% of ${row.lineRateGbps}`;
    body.push(
      `<text x="${LABEL - 10}" y="${y + ROW / 2 + 4}" text-anchor="end">${escapeXml(label)}</text>`,
      `<rect class="mark" data-file="${escapeXml(row.file)}" x="${LABEL}" y="${y + 5}" width="${n(x(row.gbps) - LABEL)}" height="${ROW - 10}" fill="${row.belowShare ? "#E69F00" : "#0072B2"}"><title>${escapeXml(`${label}: ${formatGbps(row.gbps)} Gbit/s${share}`)}</title></rect>`,
    );
    if (row.lineRateGbps !== null) {
      const lx = n(x(row.lineRateGbps));
      body.push(`<line x1="${lx}" y1="${y + 2}" x2="${lx}" y2="${y + ROW - 2}" stroke="#000000" stroke-width="3"/>`);
    }
  });
  return svg(bottom + 44, "iperf3 throughput per pair and network against line rate", body);
}
