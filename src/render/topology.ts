/**
 * topology.svg: the cluster drawn by homegarden itself. Nodes on a circle with their addresses, each
 * ring link as a line labelled with its subnet and the NIC and address at each end, the storage
 * network as a bus below, the VIPs, and a legend. No line crosses a label: links end at the node
 * boxes, and each label takes the first of a fixed list of spots whose box no line touches.
 * Deterministic: coordinates rounded to one decimal.
 */
import type { ClusterPlan } from "../plan/plan.js";
import { MODE_FILE, type Artifact } from "../artifact.js";
import { headerFor } from "./engine.js";

const NODE_W = 260;
const NODE_H = 64;
const FONT = 11;
/** Width of one monospace character as a share of the font size (a little over the usual 0.6). */
const CHAR_EM = 0.62;
const RING_COLOUR = "#c05621";
const STORAGE_COLOUR = "#2b6cb0";

export function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const r1 = (n: number): string => String(Math.round(n * 10) / 10);

const HALO = 'stroke="#ffffff" stroke-width="3" paint-order="stroke"';

function text(x: number, y: number, content: string, attrs = ""): string {
  return `<text x="${r1(x)}" y="${r1(y)}" ${HALO}${attrs ? ` ${attrs}` : ""}>${xmlEscape(content)}</text>`;
}

interface Point {
  x: number;
  y: number;
}
interface Segment {
  a: Point;
  b: Point;
}
interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The box a centred label with its baseline at (x, y) covers, with a margin. */
function labelBox(x: number, y: number, label: string, size = FONT, margin = 2): Box {
  const half = (label.length * size * CHAR_EM) / 2;
  return { left: x - half - margin, right: x + half + margin, top: y - size - margin, bottom: y + size * 0.3 + margin };
}

function inside(p: Point, box: Box): boolean {
  return p.x >= box.left && p.x <= box.right && p.y >= box.top && p.y <= box.bottom;
}

/** Whether two segments cross (orientation test; touching counts). */
function segmentsCross(p: Segment, q: Segment): boolean {
  const orient = (a: Point, b: Point, c: Point): number =>
    Math.sign((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x));
  const o1 = orient(p.a, p.b, q.a);
  const o2 = orient(p.a, p.b, q.b);
  const o3 = orient(q.a, q.b, p.a);
  const o4 = orient(q.a, q.b, p.b);
  return o1 !== o2 && o3 !== o4;
}

/** Whether a segment touches a box: an end inside it, or a crossing with one of its sides. */
export function segmentTouchesBox(s: Segment, box: Box): boolean {
  if (inside(s.a, box) || inside(s.b, box)) return true;
  const corners = [
    { x: box.left, y: box.top },
    { x: box.right, y: box.top },
    { x: box.right, y: box.bottom },
    { x: box.left, y: box.bottom },
  ];
  return corners.some((c, i) => segmentsCross(s, { a: c, b: corners[(i + 1) % 4] }));
}

function boxesOverlap(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

function boundsOf(s: Segment): Box {
  return {
    left: Math.min(s.a.x, s.b.x),
    right: Math.max(s.a.x, s.b.x),
    top: Math.min(s.a.y, s.b.y),
    bottom: Math.max(s.a.y, s.b.y),
  };
}

/** Items by the grid cells their bounds cover, so that a label looks only at what is near it. */
class Grid<T> {
  private static readonly CELL = 120;
  private readonly cells = new Map<string, T[]>();

  private keys(b: Box): string[] {
    const keys: string[] = [];
    const c = Grid.CELL;
    for (let i = Math.floor(b.left / c); i <= Math.floor(b.right / c); i += 1)
      for (let j = Math.floor(b.top / c); j <= Math.floor(b.bottom / c); j += 1) keys.push(`${i},${j}`);
    return keys;
  }

  add(bounds: Box, item: T): void {
    for (const key of this.keys(bounds)) {
      const cell = this.cells.get(key);
      if (cell) cell.push(item);
      else this.cells.set(key, [item]);
    }
  }

  near(bounds: Box): T[] {
    return [...new Set(this.keys(bounds).flatMap((key) => this.cells.get(key) ?? []))];
  }
}

/** Where the segment from a node's centre towards `to` leaves its box. */
function boxExit(from: Point, to: Point): Point {
  const length = Math.hypot(to.x - from.x, to.y - from.y) || 1;
  const ux = (to.x - from.x) / length;
  const uy = (to.y - from.y) / length;
  const t = Math.min(NODE_W / 2 / Math.max(Math.abs(ux), 1e-9), NODE_H / 2 / Math.max(Math.abs(uy), 1e-9));
  return { x: from.x + ux * t, y: from.y + uy * t };
}

export function topologySvg(plan: ClusterPlan): string {
  const count = plan.nodes.length;
  const radius = Math.max(340, (count * (NODE_W + 40)) / (2 * Math.PI));
  const cx = radius + NODE_W;
  const cy = radius + NODE_H + 110;
  const width = 2 * cx;
  const busY = cy + radius + NODE_H + 50;
  const height = busY + 60;
  const position = new Map(
    plan.nodes.map((n, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / count;
      return [n.name, { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle) }];
    }),
  );
  const nodeBoxes: Box[] = plan.nodes.map((n) => {
    const p = position.get(n.name)!;
    return { left: p.x - NODE_W / 2, right: p.x + NODE_W / 2, top: p.y - NODE_H / 2, bottom: p.y + NODE_H / 2 };
  });

  // Every line first (links clipped to the node boxes, the bus), so that labels can keep off them.
  const links = plan.links.map((link) => {
    const a = position.get(link.a.node)!;
    const b = position.get(link.b.node)!;
    return { link, a, b, segment: { a: boxExit(a, b), b: boxExit(b, a) } };
  });
  const bus: Segment = { a: { x: 40, y: busY }, b: { x: width - 40, y: busY } };
  const segments = new Grid<Segment>();
  for (const s of [...links.map((l) => l.segment), bus]) segments.add(boundsOf(s), s);
  const placed = new Grid<Box>();
  for (const b of nodeBoxes) placed.add(b, b);
  /** The first spot whose label box no line touches and no other label or node box overlaps. */
  const place = (label: string, spots: Point[]): Point => {
    const free = spots.find((p) => {
      const box = labelBox(p.x, p.y, label);
      return (
        !segments.near(box).some((s) => segmentTouchesBox(s, box)) &&
        !placed.near(box).some((b) => boxesOverlap(b, box))
      );
    });
    const spot = free ?? spots[0];
    const box = labelBox(spot.x, spot.y, label);
    placed.add(box, box);
    return spot;
  };

  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<!-- ${xmlEscape(headerFor(plan)("src/render/topology.ts"))} -->`);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${r1(width)}" height="${r1(height)}" viewBox="0 0 ${r1(width)} ${r1(height)}" font-family="monospace" font-size="${FONT}">`,
  );
  out.push(`<title>${xmlEscape(`Cluster ${plan.cluster}: ring network, storage network and VIPs`)}</title>`);
  out.push(`<rect x="0" y="0" width="${r1(width)}" height="${r1(height)}" fill="#ffffff"/>`);
  out.push(text(16, 24, `cluster ${plan.cluster}: ${count} nodes, ring routing ${plan.routing}`, 'font-size="14"'));

  // Legend, top left, under the title: a sample of each line with what it means.
  const storageNet = plan.nodes[0].storage.network;
  out.push(`<g class="legend">`);
  const legend: [string, string][] = [
    [RING_COLOUR, "ring link: subnet beside it, NIC and address at each end"],
    [STORAGE_COLOUR, `storage network ${storageNet}: every node's storage NIC (stor line in its box)`],
  ];
  legend.forEach(([colour, meaning], i) => {
    const y = 48 + 20 * i;
    out.push(`<line x1="16" y1="${r1(y - 4)}" x2="56" y2="${r1(y - 4)}" stroke="${colour}" stroke-width="3"/>`);
    out.push(text(64, y, meaning));
  });
  out.push(`</g>`);

  // Storage network bus.
  const vip = plan.linstor.ha.vip;
  out.push(`<g class="storage-network">`);
  out.push(
    `<line x1="${r1(bus.a.x)}" y1="${r1(busY)}" x2="${r1(bus.b.x)}" y2="${r1(busY)}" stroke="${STORAGE_COLOUR}" stroke-width="4"/>`,
  );
  out.push(
    text(
      40,
      busY + 22,
      `storage network ${storageNet}, VIP ${vip.storage.cidr}${vip.management ? `; management VIP ${vip.management.cidr}` : ""} (${plan.linstor.ha.vipManager})`,
    ),
  );
  out.push(`</g>`);

  // Ring links with their labels.
  out.push(`<g class="ring-links">`);
  for (const { link, a, b, segment } of links) {
    out.push(`<g class="link" data-subnet="${xmlEscape(link.subnet)}">`);
    out.push(
      `<line x1="${r1(segment.a.x)}" y1="${r1(segment.a.y)}" x2="${r1(segment.b.x)}" y2="${r1(segment.b.y)}" stroke="${RING_COLOUR}" stroke-width="2"/>`,
    );
    const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const nx = -(b.y - a.y) / length;
    const ny = (b.x - a.x) / length;
    // The subnet near the middle of the visible line, on either side; then a little further along.
    const along = (t: number): Point => ({
      x: segment.a.x + (segment.b.x - segment.a.x) * t,
      y: segment.a.y + (segment.b.y - segment.a.y) * t,
    });
    // Far enough along the normal that the label's box clears the line: its half-width and
    // half-height projected on the normal, plus a gap.
    const clearance = (label: string): number =>
      Math.abs(nx) * ((label.length * FONT * CHAR_EM) / 2) + Math.abs(ny) * FONT * 0.7 + 6;
    const subnetSpots = [0.5, 0.4, 0.6, 0.3, 0.7].flatMap((t) =>
      [-1, 1].flatMap((side) =>
        [0, 12].map((extra) => {
          const m = along(t);
          const offset = clearance(link.subnet) + extra;
          return { x: m.x + side * nx * offset, y: m.y + side * ny * offset + FONT * 0.35 };
        }),
      ),
    );
    const subnet = place(link.subnet, subnetSpots);
    out.push(text(subnet.x, subnet.y, link.subnet, `text-anchor="middle" fill="${RING_COLOUR}"`));
    for (const [end, from] of [
      [link.a, segment.a],
      [link.b, segment.b],
    ] as const) {
      // Beside the line just outside the node box, pushed along until it clears the box and the lines.
      const toward = from === segment.a ? segment.b : segment.a;
      const ux = (toward.x - from.x) / (Math.hypot(toward.x - from.x, toward.y - from.y) || 1);
      const uy = (toward.y - from.y) / (Math.hypot(toward.x - from.x, toward.y - from.y) || 1);
      const label = `${end.nic} ${end.ip}`;
      const half = (label.length * FONT * CHAR_EM) / 2;
      const visible = Math.hypot(segment.b.x - segment.a.x, segment.b.y - segment.a.y);
      const extras = Array.from({ length: Math.max(1, Math.floor((visible * 0.45) / 12)) }, (_, k) => 12 * k);
      const spots = extras.flatMap((extra) =>
        [1, -1].flatMap((side) =>
          [0, 12, 24].map((more) => {
            const d = half * Math.abs(ux) + FONT * Math.abs(uy) + 10 + extra;
            const offset = clearance(label) + more;
            return {
              x: from.x + ux * d + side * nx * offset,
              y: from.y + uy * d + side * ny * offset + FONT * 0.35,
            };
          }),
        ),
      );
      const spot = place(label, spots);
      out.push(text(spot.x, spot.y, label, 'text-anchor="middle" fill="#7b341e"'));
    }
    out.push(`</g>`);
  }
  out.push(`</g>`);

  // Nodes.
  out.push(`<g class="nodes">`);
  for (const node of plan.nodes) {
    const p = position.get(node.name)!;
    const x = p.x - NODE_W / 2;
    const y = p.y - NODE_H / 2;
    out.push(`<g class="node" data-node="${xmlEscape(node.name)}">`);
    out.push(
      `<rect x="${r1(x)}" y="${r1(y)}" width="${NODE_W}" height="${NODE_H}" rx="6" fill="#f7fafc" stroke="#2d3748"/>`,
    );
    out.push(text(p.x, y + 16, node.name, 'text-anchor="middle" font-weight="bold" font-size="13"'));
    out.push(text(p.x, y + 33, `mgmt ${node.management.cidr} ${node.management.iface}`, 'text-anchor="middle"'));
    out.push(text(p.x, y + 49, `stor ${node.storage.cidr} ${node.storage.iface}`, 'text-anchor="middle"'));
    out.push(`</g>`);
  }
  out.push(`</g>`);
  out.push(`</svg>`);
  return `${out.join("\n")}\n`;
}

export function renderTopology(plan: ClusterPlan): Artifact[] {
  return [{ path: "topology.svg", mode: MODE_FILE, source: "topology", content: topologySvg(plan) }];
}
