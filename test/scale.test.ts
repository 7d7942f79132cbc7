/**
 * Growth with the node count: what a bundle holds grows with the number of nodes (each node's routes,
 * pings and iperf3 paths name every other node once), never with its square, and the cluster-wide
 * review files stay readable for large rings.
 */
import { ringConfig } from "../scripts/ring-config.mjs";
import { RUNBOOK_ROUTE_TABLE_MAX_NODES } from "../src/render/runbook.js";
import { writeConfig } from "./support/configs.js";
import { tableRows } from "./support/markdown.js";
import { renderConfig, type Rendered } from "./support/render.js";

const render = (nodes: number): Promise<Rendered> => renderConfig(writeConfig(ringConfig(nodes)).file);

/** Bytes of one node's bundle folder (its files, not the tarball). */
function bundleBytes(rendered: Rendered, node: string): number {
  return rendered.files.filter((f) => f.path.startsWith(`${node}/`)).reduce((sum, f) => sum + f.content.length, 0);
}

describe("a bundle grows with the node count, not with its square", () => {
  test("doubling a ring from 24 to 48 nodes at most doubles a node's bundle and RUNBOOK.md", async () => {
    const [small, large] = await Promise.all([render(24), render(48)]);
    const ratio = bundleBytes(large, "n005") / bundleBytes(small, "n005");
    // Fixed content (scripts, checks) keeps the ratio under 2; a part that grew with the square
    // (every node's routes, or every pair's paths, in each bundle) would push it toward 4.
    expect(ratio).toBeGreaterThan(1);
    expect(ratio).toBeLessThan(2);
    // RUNBOOK.md too: one row per node (addresses, step order, routes per next hop), none per pair.
    const runbook = large.text("RUNBOOK.md").length / small.text("RUNBOOK.md").length;
    expect(runbook).toBeLessThan(2.2);
  }, 60_000);

  test("plan.json keeps the iperf3 settings; each node's paths are in its own bench.json", async () => {
    const rendered = await render(24);
    const plan = JSON.parse(rendered.text("plan.json"));
    expect(plan.bench.iperf3).not.toHaveProperty("paths");
    const settings = JSON.parse(rendered.text("n005/bench/bench.json"));
    expect(settings.iperf3.servers.storage).toHaveLength(23);
    expect(settings.iperf3.servers.storage).not.toContain("n005");
  }, 60_000);
});

describe("RUNBOOK.md's routes", () => {
  test(`up to ${RUNBOOK_ROUTE_TABLE_MAX_NODES} nodes: every route, one row each`, async () => {
    const rendered = await render(RUNBOOK_ROUTE_TABLE_MAX_NODES);
    const rows = tableRows(rendered.text("RUNBOOK.md"), ["Node", "Destination"]);
    const routes = rendered.check.plan.nodes.flatMap((n) => n.routes.map((r) => `${n.name} ${r.destination}`));
    expect(rows.map((r) => `${r[0]} ${r[1]}`)).toEqual(routes);
  }, 60_000);

  test(`above ${RUNBOOK_ROUTE_TABLE_MAX_NODES} nodes: per node and next hop, counts that add up to the plan's routes`, async () => {
    const rendered = await render(RUNBOOK_ROUTE_TABLE_MAX_NODES + 8);
    const runbook = rendered.text("RUNBOOK.md");
    expect(runbook).not.toMatch(/\| Destination \|/);
    const rows = tableRows(runbook, ["Node", "Via", "Device", "Routes"]);
    expect(rows.length).toBeGreaterThan(0);
    for (const node of rendered.check.plan.nodes) {
      const mine = rows.filter((r) => r[0] === node.name);
      // A ring node forwards through its two neighbours.
      expect(mine.map((r) => r[1].replace(/.*\((.*)\)/, "$1")).sort()).toEqual(
        [...new Set(node.routes.map((r) => r.viaNode))].sort(),
      );
      expect(mine.reduce((sum, r) => sum + Number(r[3]), 0)).toBe(node.routes.length);
      expect(Math.max(...mine.map((r) => Number(r[4])))).toBe(Math.max(...node.routes.map((r) => r.distance)));
    }
  }, 60_000);
});
