/**
 * topology.svg: the cluster drawn by homegarden itself. Nodes on a circle with their addresses, each
 * ring link as a line labelled with its subnet and the NIC and address at each end, the storage
 * network as a bus below, and the VIPs. Deterministic: coordinates rounded to one decimal.
 */
import type { ClusterPlan } from "../plan/plan.js";
import { MODE_FILE, type Artifact } from "./artifact.js";
import { headerFor } from "./engine.js";

const NODE_W = 260;
const NODE_H = 64;
/** Approximate width of one monospace character at font-size 11. */
const CHAR_W = 6.7;

export function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const r1 = (n: number): string => String(Math.round(n * 10) / 10);

const HALO = 'stroke="#ffffff" stroke-width="3" paint-order="stroke"';

function text(x: number, y: number, content: string, attrs = ""): string {
  return `<text x="${r1(x)}" y="${r1(y)}" ${HALO}${attrs ? ` ${attrs}` : ""}>${xmlEscape(content)}</text>`;
}

export function topologySvg(plan: ClusterPlan): string {
  const count = plan.nodes.length;
  const radius = Math.max(340, (count * (NODE_W + 40)) / (2 * Math.PI));
  const cx = radius + NODE_W;
  const cy = radius + NODE_H + 60;
  const width = 2 * cx;
  const busY = cy + radius + NODE_H + 50;
  const height = busY + 90;
  const position = new Map(
    plan.nodes.map((n, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / count;
      return [n.name, { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle) }];
    }),
  );
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<!-- ${xmlEscape(headerFor(plan))} -->`);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${r1(width)}" height="${r1(height)}" viewBox="0 0 ${r1(width)} ${r1(height)}" font-family="monospace" font-size="11">`,
  );
  out.push(`<title>${xmlEscape(`Cluster ${plan.cluster}: ring network, storage network and VIPs`)}</title>`);
  out.push(`<rect x="0" y="0" width="${r1(width)}" height="${r1(height)}" fill="#ffffff"/>`);
  out.push(text(16, 24, `cluster ${plan.cluster}: ${count} nodes, ring routing ${plan.routing}`, 'font-size="14"'));

  // Storage network bus and each node's drop to it.
  const storageNet = plan.nodes[0].storage.network;
  out.push(`<g class="storage-network">`);
  out.push(
    `<line x1="40" y1="${r1(busY)}" x2="${r1(width - 40)}" y2="${r1(busY)}" stroke="#2b6cb0" stroke-width="4"/>`,
  );
  const vip = plan.linstor.ha.vip;
  out.push(
    text(
      40,
      busY + 22,
      `storage network ${storageNet}, VIP ${vip.storage.cidr}${vip.management ? `; management VIP ${vip.management.cidr}` : ""} (${plan.linstor.ha.vipManager})`,
    ),
  );
  for (const node of plan.nodes) {
    const p = position.get(node.name)!;
    out.push(
      `<line x1="${r1(p.x)}" y1="${r1(p.y + NODE_H / 2)}" x2="${r1(p.x)}" y2="${r1(busY)}" stroke="#2b6cb0" stroke-dasharray="4 4"/>`,
    );
  }
  out.push(`</g>`);

  // Ring links.
  out.push(`<g class="ring-links">`);
  for (const link of plan.links) {
    const a = position.get(link.a.node)!;
    const b = position.get(link.b.node)!;
    out.push(`<g class="link" data-subnet="${xmlEscape(link.subnet)}">`);
    out.push(
      `<line x1="${r1(a.x)}" y1="${r1(a.y)}" x2="${r1(b.x)}" y2="${r1(b.y)}" stroke="#c05621" stroke-width="2"/>`,
    );
    // Unit normal of the line: the subnet goes on one side, the NIC labels on the other.
    const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const nx = -(b.y - a.y) / length;
    const ny = (b.x - a.x) / length;
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    out.push(text(mid.x - nx * 10, mid.y - ny * 10 + 4, link.subnet, 'text-anchor="middle" fill="#c05621"'));
    for (const [end, from, to] of [
      [link.a, a, b],
      [link.b, b, a],
    ] as const) {
      // Just outside the node box along the line, far enough that the centred label clears it.
      const ux = (to.x - from.x) / length;
      const uy = (to.y - from.y) / length;
      const exit = Math.min(NODE_W / 2 / Math.max(Math.abs(ux), 1e-9), NODE_H / 2 / Math.max(Math.abs(uy), 1e-9));
      const label = `${end.nic} ${end.ip}`;
      const along = exit + ((label.length * CHAR_W) / 2) * Math.abs(ux) + 14;
      const x = from.x + ux * along + nx * 14;
      const y = from.y + uy * along + ny * 14 + 4;
      out.push(text(x, y, label, 'text-anchor="middle" fill="#7b341e"'));
    }
    out.push(`</g>`);
  }
  out.push(`</g>`);

  // Nodes on top.
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
