/** Ring configs of any size for the bench and the scale tests, derived from the example config. */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const example = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "examples", "homegarden.config.ts");

/** A ring of `n` nodes: node i's enp7s0 cabled to node i+1's enp8s0, one /29 of 198.18.0.0/15 per cable. */
export function ringConfig(n, exampleSource = readFileSync(example, "utf8")) {
  const name = (i) => `n${String(i + 1).padStart(3, "0")}`;
  const host = (i) => `${Math.floor(i / 200)}.${10 + (i % 200)}`;
  const nodes = Array.from({ length: n }, (_, i) => ({
    name: name(i),
    management: { iface: "vmbr1.3", address: `10.100.${host(i)}/16` },
    storage: { iface: "enp1s0f1np1", address: `10.101.${host(i)}/16` },
    zfs: { pool: "pool-nvme-01", mirror: ["/dev/nvme0n1", "/dev/nvme1n1"] },
  }));
  const links = Array.from({ length: n }, (_, i) => {
    const base = i * 8;
    return {
      a: [name(i), "enp7s0"],
      b: [name((i + 1) % n), "enp8s0"],
      subnet: `198.${18 + Math.floor(base / 65536)}.${Math.floor(base / 256) % 256}.${base % 256}/29`,
    };
  });
  const source = exampleSource;
  const start = source.indexOf("  nodes: [");
  const end = source.indexOf("  linstor: {");
  if (start < 0 || end < 0) throw new Error("the example config changed shape: update ringConfig in scripts/bench.mjs");
  const replaced =
    `  nodes: ${JSON.stringify(nodes, null, 2).replace(/\n/g, "\n  ")},\n` +
    `  ring: { links: ${JSON.stringify(links)}, routing: "routed" },\n` +
    `  corosync: { links: ["ring-a", "management"] },\n`;
  return (source.slice(0, start) + replaced + source.slice(end))
    .replace('storage: "10.100.4.100/24"', 'storage: "10.101.255.1/16"')
    .replace('management: "10.100.3.100/24"', 'management: "10.100.255.1/16"');
}
