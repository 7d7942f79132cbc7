/**
 * The ring generator without namespaces: derived topologies, stable allocation, a 32-node ring,
 * coverage of every single cut in routed-fallback, corosync links, and every ring error with the
 * line it points at in the user's config.
 */
import { formatPlan } from "../src/render/plan-table.js";
import { checkConfig, type CheckResult } from "../src/pipeline.js";
import { unprotectedPaths } from "../src/plan/forwarding.js";
import { networksOverlap } from "../src/address.js";
import { exampleWith, lineOf, writeConfig } from "./support/configs.js";
import { renderConfig, TEST_ENV } from "./support/render.js";
import { nodeName, ringConfigSource, type RingTestOptions } from "./support/ring-configs.js";

async function check(source: string): Promise<CheckResult> {
  return await checkConfig(writeConfig(source).file, { env: TEST_ENV });
}

async function planOf(options: RingTestOptions) {
  const result = await check(ringConfigSource(options));
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics, null, 2));
  return result.plan;
}

/** The one error of a config that must fail: its code, line and message. */
async function errorOf(source: string): Promise<{ code: string; line?: number; message: string }> {
  const result = await check(source);
  if (result.ok) throw new Error("the config was accepted");
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  expect(errors).toHaveLength(1);
  return { code: errors[0].code, line: errors[0].position?.line, message: errors[0].message };
}

describe("derived ring links", () => {
  test("a derived ring cables node i's first NIC to node i+1's second, and the last node to the first", async () => {
    const plan = await planOf({ nodes: 5, topology: "ring", routing: "routed" });
    expect(plan.topology).toBe("ring");
    expect(plan.links.map((l) => `${l.a.node}:${l.a.nic}-${l.b.node}:${l.b.nic} ${l.subnet}`)).toEqual([
      "n01:enp7s0-n02:enp8s0 198.18.0.0/29",
      "n02:enp7s0-n03:enp8s0 198.18.0.8/29",
      "n03:enp7s0-n04:enp8s0 198.18.0.16/29",
      "n04:enp7s0-n05:enp8s0 198.18.0.24/29",
      "n05:enp7s0-n01:enp8s0 198.18.0.32/29",
    ]);
  });

  test("a derived 4-node mesh links every pair once, each node's NICs in peer order", async () => {
    const plan = await planOf({ nodes: 4, topology: "mesh", routing: "routed" });
    expect(plan.links.map((l) => `${l.a.node}:${l.a.nic}-${l.b.node}:${l.b.nic}`)).toEqual([
      "n01:enp7s0-n02:enp7s0",
      "n01:enp8s0-n03:enp7s0",
      "n02:enp8s0-n03:enp8s0",
      "n01:enp9s0-n04:enp7s0",
      "n02:enp9s0-n04:enp8s0",
      "n03:enp9s0-n04:enp9s0",
    ]);
    for (const node of plan.nodes)
      expect(node.ringInterfaces.map((i) => i.nic).sort()).toEqual(["enp7s0", "enp8s0", "enp9s0"]);
  });

  test("appending a node keeps every link between old neighbours; only the closing link moves", async () => {
    const before = await planOf({ nodes: 5, topology: "ring", routing: "routed" });
    const after = await planOf({ nodes: 6, topology: "ring", routing: "routed" });
    // Links 0..3 join the same NICs with the same subnet and addresses.
    expect(after.links.slice(0, 4)).toEqual(before.links.slice(0, 4));
    // The old closing link n05 -> n01 keeps its subnet and n05's address; its far end is now n06.
    expect(after.links[4].subnet).toBe(before.links[4].subnet);
    expect(after.links[4].a).toEqual(before.links[4].a);
    expect(after.links[4].b.node).toBe("n06");
    // The new closing link n06 -> n01 gets a new subnet; n01's second NIC is the one address that changes.
    expect(after.links[5].b).toMatchObject({ node: "n01", nic: "enp8s0" });
    expect(after.links[5].subnet).not.toBe(before.links[4].subnet);
    const addresses = (plan: typeof before) =>
      new Map(plan.nodes.flatMap((n) => n.ringInterfaces.map((i) => [`${n.name} ${i.nic}`, i.address] as const)));
    const changed = [...addresses(before)].filter(([key, address]) => addresses(after).get(key) !== address);
    expect(changed.map(([key]) => key)).toEqual(["n01 enp8s0"]);
  });

  test("allocation skips ring.avoid and every declared network inside the pool", async () => {
    const plan = await planOf({
      nodes: 3,
      topology: "ring",
      routing: "routed",
      pool: "198.18.100.0/22",
      ringExtra: 'avoid: ["198.18.102.0/29"],',
    });
    // 198.18.100.0/24 and 198.18.101.0/24 are the management and storage networks.
    expect(plan.links.map((l) => l.subnet)).toEqual(["198.18.102.8/29", "198.18.102.16/29", "198.18.102.24/29"]);
    for (const l of plan.links) {
      for (const taken of ["198.18.100.0/24", "198.18.101.0/24", "198.18.102.0/29"])
        expect(networksOverlap(l.subnet, taken)).toBe(false);
    }
  });
});

describe("routing", () => {
  test.each([3, 4, 5, 8, 16, 32])("routed-fallback covers every single cut of a %i-node ring", async (nodes) => {
    const plan = await planOf({ nodes, topology: "ring", routing: "routed-fallback" });
    expect(unprotectedPaths(plan.nodes, plan.links)).toEqual([]);
  });

  test("routed-fallback covers every single cut of the 4-node mesh", async () => {
    const plan = await planOf({ nodes: 4, topology: "mesh", routing: "routed-fallback" });
    expect(unprotectedPaths(plan.nodes, plan.links)).toEqual([]);
  });

  test("without the U-turn rules, destination routing alone leaves a 5-node ring exposed", async () => {
    const plan = await planOf({ nodes: 5, topology: "ring", routing: "routed-fallback" });
    const withoutRules = plan.nodes.map((n) => ({ ...n, rules: [] }));
    expect(unprotectedPaths(withoutRules, plan.links).length).toBeGreaterThan(0);
  });

  test("routed: every node routes each link subnet it is not on; fallback: two host routes per remote address", async () => {
    const routed = await planOf({ nodes: 5, topology: "ring", routing: "routed" });
    for (const node of routed.nodes) {
      expect(node.routes.map((r) => r.destination).sort()).toEqual(
        routed.links
          .filter((l) => l.a.node !== node.name && l.b.node !== node.name)
          .map((l) => l.subnet)
          .sort(),
      );
      expect(node.rules).toBeUndefined();
    }
    const fallback = await planOf({ nodes: 5, topology: "ring", routing: "routed-fallback" });
    for (const node of fallback.nodes) {
      const remote = fallback.links
        .filter((l) => l.a.node !== node.name && l.b.node !== node.name)
        .flatMap((l) => [`${l.a.ip}/32`, `${l.b.ip}/32`]);
      for (const role of ["primary", "fallback", "u-turn"] as const) {
        const routes = node.routes.filter((r) => r.role === role);
        expect(routes.map((r) => r.destination).sort()).toEqual([...remote].sort());
      }
      // A fallback never leaves by its primary's NIC.
      for (const primary of node.routes.filter((r) => r.role === "primary")) {
        const fallbackRoute = node.routes.find((r) => r.role === "fallback" && r.destination === primary.destination)!;
        expect(fallbackRoute.dev).not.toBe(primary.dev);
        expect(fallbackRoute.metric).toBeGreaterThan(primary.metric!);
      }
    }
  });
});

describe("a 32-node ring", () => {
  test.each(["routed", "routed-fallback"] as const)("renders with %s routing", async (routing) => {
    const { file } = writeConfig(ringConfigSource({ nodes: 32, topology: "ring", routing }));
    const rendered = await renderConfig(file);
    const plan = rendered.check.plan;
    expect(plan.nodes).toHaveLength(32);
    expect(plan.links).toHaveLength(32);
    const last = rendered.text(`${nodeName(31)}/files/etc/network/interfaces.d/homegarden-ring`);
    const routeLines = last.match(/^ {4}up ip route replace /gm) ?? [];
    // routed: one route per subnet the node is not on; fallback: primary, fallback and U-turn per address.
    expect(routeLines).toHaveLength(routing === "routed" ? 30 : 3 * 60);
    const sysctl = rendered.text(`${nodeName(31)}/files/etc/sysctl.d/90-homegarden-ring.conf`);
    expect(sysctl.includes("ignore_routes_with_linkdown = 1")).toBe(routing === "routed-fallback");
  });
});

describe("plan and RUNBOOK tables", () => {
  test("homegarden plan and RUNBOOK.md list each node's primary, fallback and U-turn routes and rules", async () => {
    const { file } = writeConfig(ringConfigSource({ nodes: 4, topology: "ring", routing: "routed-fallback" }));
    const rendered = await renderConfig(file);
    const plan = rendered.check.plan;
    const n01 = plan.nodes[0];
    // n04 is n01's neighbour over its second NIC: n04's address on its other link is one hop away.
    const viaN04 = n01.ringInterfaces[1].peer;
    expect(viaN04.node).toBe("n04");
    const target = plan.nodes[3].ringInterfaces.find((i) => i.peer.node !== "n01")!.ip;
    const table = formatPlan(plan);
    expect(table).toMatch(
      new RegExp(`n01\\s+${target}/32\\s+${viaN04.ip} \\(n04\\)\\s+enp8s0\\s+1\\s+primary \\(metric 10\\)`),
    );
    expect(table).toMatch(/U-turn rules\nnode\s+iif\s+table\s+priority/);
    expect(table).toMatch(/n01\s+enp7s0\s+7100\s+7100/);
    const runbook = rendered.text("RUNBOOK.md");
    expect(runbook).toMatch(/\| Node \| Destination +\| Via +\| Device +\| Hops \| Role +\|/);
    expect(runbook).toMatch(
      new RegExp(
        `\\| n01 +\\| ${target}/32 +\\| ${viaN04.ip} \\(n04\\) +\\| \`enp8s0\` \\| 1 +\\| primary \\(metric 10\\) +\\|`,
      ),
    );
    expect(runbook).toMatch(/\| n01 +\| `enp7s0` +\| 7100 +\| 7100 +\|/);
  });
});

describe("corosync links", () => {
  test("pvecm create and add use each node's first ring address and its management address by default", async () => {
    const { file } = writeConfig(ringConfigSource({ nodes: 3, topology: "ring", routing: "routed" }));
    const rendered = await renderConfig(file);
    expect(rendered.text("n01/run.sh")).toContain("pvecm create ringtest --link0 198.18.0.1 --link1 198.18.100.11");
    expect(rendered.text("n02/run.sh")).toContain("pvecm add 198.18.100.11 --link0 198.18.0.2 --link1 198.18.100.12");
  });

  test("both knet links on the ring: the plan names the cable whose loss isolates a pair, check warns (HG314)", async () => {
    const source = ringConfigSource({
      nodes: 3,
      topology: "ring",
      routing: "routed",
      extra: 'corosync: { links: ["ring-a", "ring-b"] },',
    });
    const { file } = writeConfig(source);
    const rendered = await renderConfig(file);
    const { isolating, complete, cutsChecked } = rendered.check.plan.corosyncSurvival;
    expect({ complete, cutsChecked }).toEqual({ complete: true, cutsChecked: 3 });
    // The first cable holds both link0 ends of n01 and n02; their link1 ends are on the other two
    // cables, but in "routed" n01's one route to n02's link1 subnet goes via n02, over that cable.
    expect(isolating[0]).toEqual({
      cut: { kind: "ring", link: 0, label: "n01 enp7s0 - n02 enp8s0" },
      pairCount: 1,
      pairs: [["n01", "n02"]],
    });
    const warning = rendered.check.warnings.find((w) => w.code === "HG314");
    expect(warning?.message).toMatch(/^when n01 enp7s0 - n02 enp8s0 fails, n01 and n02 keep no working corosync/);
    expect(warning?.position?.line).toBe(lineOf(source, 'corosync: { links: ["ring-a", "ring-b"] }'));
  });

  test("the management network can carry one of the links", async () => {
    const { file } = writeConfig(
      ringConfigSource({
        nodes: 3,
        topology: "ring",
        routing: "routed",
        extra: 'corosync: { links: ["ring-a", "management"] },',
      }),
    );
    const rendered = await renderConfig(file);
    expect(rendered.text("n02/run.sh")).toContain(
      `pvecm add 198.18.100.11 --link0 ${rendered.check.plan.nodes[1].ringInterfaces[0].ip} --link1 198.18.100.12`,
    );
  });
});

describe("ring errors name the problem and point at the line", () => {
  const ring = (options: Partial<RingTestOptions>): string =>
    ringConfigSource({ nodes: 3, topology: "ring", routing: "routed", ...options });

  test("overlapping link subnets name both links", async () => {
    const source = exampleWith('subnet: "10.10.2.0/29"', 'subnet: "10.10.0.0/28"');
    expect(await errorOf(source)).toEqual({
      code: "HG205",
      line: lineOf(source, 'subnet: "10.10.0.0/28"'),
      message: expect.stringMatching(
        /10\.10\.0\.0\/28 \(ring\.links\[2\]\) overlaps 10\.10\.0\.0\/29 \(ring\.links\[0\]\)/,
      ),
    });
  });

  test("a subnet too small for two hosts", async () => {
    const source = exampleWith('subnet: "10.10.3.0/29"', 'subnet: "10.10.3.0/32"');
    expect(await errorOf(source)).toMatchObject({ code: "HG209", line: lineOf(source, "10.10.3.0/32") });
  });

  test("a /31 link (RFC 3021) is accepted, both of its addresses used", async () => {
    const { file } = writeConfig(exampleWith('subnet: "10.10.3.0/29"', 'subnet: "10.10.3.0/31"'));
    const rendered = await renderConfig(file);
    const link = rendered.check.plan.links.find((l) => l.subnet === "10.10.3.0/31")!;
    expect([link.a.address, link.b.address]).toEqual(["10.10.3.0/31", "10.10.3.1/31"]);
  });

  test("ring.prefix 31 allocates /31s", async () => {
    const { file } = writeConfig(ring({ ringExtra: "prefix: 31," }));
    const plan = (await renderConfig(file)).check.plan;
    expect(plan.links.map((l) => [l.subnet, l.a.ip, l.b.ip])).toEqual([
      ["198.18.0.0/31", "198.18.0.0", "198.18.0.1"],
      ["198.18.0.2/31", "198.18.0.2", "198.18.0.3"],
      ["198.18.0.4/31", "198.18.0.4", "198.18.0.5"],
    ]);
  });

  test("a link address outside its subnet names address, subnet and link", async () => {
    const source = exampleWith(
      'subnet: "10.10.0.0/29" }',
      'subnet: "10.10.0.0/29",\n        addresses: ["10.10.0.1", "10.10.0.9"] }',
    );
    expect(await errorOf(source)).toEqual({
      code: "HG215",
      line: lineOf(source, "addresses:"),
      message: "address 10.10.0.9 is outside 10.10.0.0/29, the subnet of ring.links[0]",
    });
  });

  test.each(["10.10.0.0", "10.10.0.7"])(
    "a link address that is the network or broadcast address (%s)",
    async (address) => {
      const source = exampleWith(
        'subnet: "10.10.0.0/29" }',
        `subnet: "10.10.0.0/29",\n        addresses: ["10.10.0.1", "${address}"] }`,
      );
      expect(await errorOf(source)).toMatchObject({ code: "HG216", line: lineOf(source, "addresses:") });
    },
  );

  test.each(["enp7s0-far-too-long", "enp 7"])("an invalid ring NIC name (%s)", async (nic) => {
    const source = exampleWith('a: ["pivoine", "enp7s0"]', `a: ["pivoine", "${nic}"]`);
    expect(await errorOf(source)).toMatchObject({ code: "HG105", line: lineOf(source, nic) });
  });

  test("a NIC used by two links names the other use", async () => {
    const source = exampleWith('a: ["pivoine", "enp8s0"]', 'a: ["pivoine", "enp7s0"]');
    const error = await errorOf(source);
    expect(error).toMatchObject({ code: "HG112", line: lineOf(source, 'a: ["pivoine", "enp7s0"], b: ["dahlia"') });
    expect(error.message).toContain("already used by ring.links[0]");
  });

  test('a node with a third link in topology "ring"', async () => {
    const source = exampleWith(
      '      { a: ["petunia", "enp9s0"], b: ["dahlia", "enp9s0"], subnet: "10.10.2.0/29" },',
      '      { a: ["petunia", "enp9s0"], b: ["dahlia", "enp9s0"], subnet: "10.10.2.0/29" },\n' +
        '      { a: ["pivoine", "enp10s0"], b: ["petunia", "enp10s0"], subnet: "10.10.4.0/29" },',
    );
    const result = await check(source);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map((d) => [d.code, d.position?.line, d.message])).toEqual([
      ["HG307", lineOf(source, 'name: "pivoine"'), expect.stringContaining("pivoine has 3 ring link(s)")],
      ["HG307", lineOf(source, 'name: "petunia"'), expect.stringContaining("petunia has 3 ring link(s)")],
    ]);
  });

  test("a derived ring node with three ringNics", async () => {
    const source = ring({}).replace('ringNics: ["enp7s0","enp8s0"]', 'ringNics: ["enp7s0", "enp8s0", "enp9s0"]');
    expect(await errorOf(source)).toMatchObject({ code: "HG308", line: lineOf(source, '"enp9s0"') });
  });

  test("a disconnected graph names the nodes it cannot reach", async () => {
    const link = (a: number, b: number, nicA: string, nicB: string) =>
      `{ a: ["${nodeName(a)}", "${nicA}"], b: ["${nodeName(b)}", "${nicB}"] }`;
    const triangles = [0, 3]
      .flatMap((o) => [link(o, o + 1, "e1", "e2"), link(o + 1, o + 2, "e1", "e2"), link(o + 2, o, "e1", "e2")])
      .join(", ");
    const source = ring({ nodes: 6, topology: "graph", links: `[${triangles}]` });
    expect(await errorOf(source)).toEqual({
      code: "HG304",
      line: lineOf(source, "links: ["),
      message: expect.stringContaining("n04, n05, n06 cannot be reached"),
    });
  });

  test("routed-fallback refuses a link that is the only way between two parts", async () => {
    const link = (a: number, b: number, nicA: string, nicB: string) =>
      `{ a: ["${nodeName(a)}", "${nicA}"], b: ["${nodeName(b)}", "${nicB}"] }`;
    const links = [
      link(0, 1, "e1", "e2"),
      link(1, 2, "e1", "e2"),
      link(2, 0, "e1", "e2"),
      link(3, 4, "e1", "e2"),
      link(4, 5, "e1", "e2"),
      link(5, 3, "e1", "e2"),
      link(0, 3, "e3", "e3"),
    ];
    const source = ring({ nodes: 6, topology: "graph", routing: "routed-fallback", links: `[\n${links.join(",\n")}]` });
    expect(await errorOf(source)).toEqual({
      code: "HG312",
      line: lineOf(source, link(0, 3, "e3", "e3")),
      message: expect.stringContaining("ring.links[6]: without it n04, n05, n06 cannot be reached"),
    });
  });

  test("an exhausted pool names the link that got no subnet", async () => {
    const source = ring({ pool: "198.18.0.0/28" });
    expect(await errorOf(source)).toEqual({
      code: "HG212",
      line: lineOf(source, 'pool: "198.18.0.0/28"'),
      message: expect.stringContaining("no free /29 left for derived link 2 (n03 enp7s0 - n01 enp8s0)"),
    });
  });

  test("ringNics next to explicit links", async () => {
    const source = exampleWith('name: "petunia",', 'name: "petunia",\n      ringNics: ["enp8s0", "enp9s0"],');
    expect(await errorOf(source)).toMatchObject({ code: "HG309", line: lineOf(source, "ringNics") });
  });

  test('topology "mesh" with a missing pair', async () => {
    const link = (a: number, b: number) => `{ a: ["${nodeName(a)}", "x${b}"], b: ["${nodeName(b)}", "x${a}"] }`;
    const source = ring({
      nodes: 4,
      topology: "mesh",
      links: `[${[link(0, 1), link(1, 2), link(2, 3), link(3, 0)].join(", ")}]`,
    });
    const result = await check(source);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([
      expect.stringContaining("n01 and n03 have none"),
      expect.stringContaining("n02 and n04 have none"),
    ]);
  });
});
