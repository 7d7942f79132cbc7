/** The bench kit's plan and config rules: which paths iperf3 measures, and what the validator says. */
import { parseBenchSettings } from "../src/bench/results.js";
import { iperfPaths } from "../src/plan/bench.js";
import { checkConfig } from "../src/pipeline.js";
import { exampleWith, lineOf, writeConfig } from "./support/configs.js";
import { renderConfig, TEST_ENV } from "./support/render.js";

const NODES = ["pivoine", "petunia", "dahlia"];

describe("iperf3 paths of the example", () => {
  test("every ordered pair on storage and management, both directions of every ring link", async () => {
    const { check } = await renderConfig();
    const { plan } = check;
    const paths = iperfPaths(plan.nodes, plan.links, plan.bench.iperf3!);
    const pairs = NODES.flatMap((a) => NODES.filter((b) => b !== a).map((b) => `${a}>${b}`)).sort();
    for (const network of ["storage", "management"]) {
      expect(
        paths
          .filter((p) => p.network === network)
          .map((p) => `${p.from}>${p.to}`)
          .sort(),
      ).toEqual(pairs);
    }
    // The seed's three cables, each measured both ways from the end's own NIC and address.
    const ring = paths
      .filter((p) => p.kind === "ring")
      .map((p) => `${p.from} ${p.network} ${p.bind} -> ${p.to} ${p.address}`);
    expect(ring.sort()).toEqual(
      [
        "pivoine ring-enp7s0 10.10.0.1 -> petunia 10.10.0.2",
        "petunia ring-enp8s0 10.10.0.2 -> pivoine 10.10.0.1",
        "pivoine ring-enp8s0 10.10.3.1 -> dahlia 10.10.3.2",
        "dahlia ring-enp8s0 10.10.3.2 -> pivoine 10.10.3.1",
        "petunia ring-enp9s0 10.10.2.1 -> dahlia 10.10.2.2",
        "dahlia ring-enp9s0 10.10.2.2 -> petunia 10.10.2.1",
      ].sort(),
    );
    expect(new Set(paths.map((p) => p.file)).size).toBe(paths.length);
  });

  test("each node's client script measures exactly its own paths, bound to its own address", async () => {
    const rendered = await renderConfig();
    const client = rendered.text("dahlia/bench/iperf3-client.sh");
    const measured = client.split("\n").filter((l) => l.startsWith("measure "));
    expect(measured).toEqual([
      "measure ring-enp8s0 pivoine 10.10.3.2 10.10.3.1",
      "measure ring-enp9s0 petunia 10.10.2.2 10.10.2.1",
      "measure storage pivoine 10.100.4.103 10.100.4.101",
      "measure storage petunia 10.100.4.103 10.100.4.102",
      "measure management pivoine 10.100.3.103 10.100.3.101",
      "measure management petunia 10.100.3.103 10.100.3.102",
    ]);
  });

  test("each bundle's bench.json: the same thresholds and jobs, only that node's paths, the configured line rates", async () => {
    const rendered = await renderConfig();
    const { plan } = rendered.check;
    const copies = NODES.map((n) => JSON.parse(rendered.text(`${n}/bench/bench.json`)));
    for (const [i, copy] of copies.entries()) {
      expect(copy.report).toEqual(copies[0].report);
      expect(copy.fio).toEqual(copies[0].fio);
      // Read back as the report reads it, the copy gives exactly the plan's paths from that node.
      const parsed = parseBenchSettings(`${NODES[i]}/bench.json`, rendered.text(`${NODES[i]}/bench/bench.json`));
      if (!parsed.ok) throw new Error(parsed.diagnostic.message);
      const planned = iperfPaths(plan.nodes, plan.links, plan.bench.iperf3!).filter((p) => p.from === NODES[i]);
      expect(planned.length).toBeGreaterThan(0);
      expect(parsed.value.paths).toEqual(
        planned.map((p) => ({
          file: p.file,
          from: p.from,
          to: p.to,
          network: p.network,
          kind: p.kind,
          lineRateGbps: p.lineRateGbps ?? null,
        })),
      );
    }
    const settings = copies[0];
    expect(settings.report).toEqual({ minShareOfLineRate: 0.9, syncWriteP99Ms: 5 });
    expect(settings.iperf3.lineRateGbps).toEqual({ ring: 1, storage: 10, management: 10 });
    expect(settings.iperf3.servers.storage).toEqual(["petunia", "dahlia"]);
  });
});

describe("bench config rules, positioned in the user's file", () => {
  async function check(source: string) {
    const { file } = writeConfig(source);
    return { file, result: await checkConfig(file, { env: TEST_ENV }) };
  }

  test("the seed's mistake, psync at depth 16, is a warning on the job's ioengine", async () => {
    const from = '{ name: "async-write", rw: "write", bs: "4k", iodepth: 16, ioengine: "libaio" }';
    const source = exampleWith(from, from.replace("libaio", "psync"));
    const { result } = await check(source);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({ code: "HG502", path: ["bench", "fio", "jobs", 1, "ioengine"] });
    expect(result.warnings[0].message).toContain('"async-write" uses the synchronous psync engine');
    expect(result.warnings[0].position?.line).toBe(lineOf(source, '{ name: "async-write"'));
  });

  test.each([
    [
      "a negative line rate",
      "ring: 1, storage: 10",
      "ring: -1, storage: 10",
      ["bench", "iperf3", "lineRateGbps", "ring"],
      "ring: -1",
    ],
    [
      "a share above 1",
      "minShareOfLineRate: 0.9",
      "minShareOfLineRate: 90",
      ["bench", "report", "minShareOfLineRate"],
      "minShareOfLineRate: 90",
    ],
    [
      "a zero p99 limit",
      "syncWriteP99Ms: 5",
      "syncWriteP99Ms: 0",
      ["bench", "report", "syncWriteP99Ms"],
      "syncWriteP99Ms: 0",
    ],
    [
      "a network twice",
      '"storage", "management"]',
      '"storage", "storage"]',
      ["bench", "iperf3", "networks", 2],
      '"storage", "storage"',
    ],
  ])("%s is an error at that value", async (_what, from, to, path, needle) => {
    const source = exampleWith(from, to);
    const { result } = await check(source);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: "HG418", path });
    expect(result.diagnostics[0].position?.line).toBe(lineOf(source, needle));
  });

  test("a measured network without a line rate is a warning", async () => {
    const { result } = await check(exampleWith("ring: 1, storage: 10, management: 10", "ring: 1, storage: 10"));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings.map((w) => [w.code, w.message])).toEqual([
      ["HG501", expect.stringContaining("measures the management network but lineRateGbps.management is not set")],
    ]);
  });
});

describe("bench.json as the report reads it", () => {
  const settings = (iperf3: unknown) =>
    JSON.stringify({
      cluster: "c",
      node: "n1",
      nodes: ["n1", "n2"],
      report: { minShareOfLineRate: 0.9, syncWriteP99Ms: 5 },
      iperf3,
    });

  test("servers per network become paths with the result file names the client script writes", async () => {
    const parsed = parseBenchSettings(
      "bench.json",
      settings({ lineRateGbps: { ring: 1, storage: null }, servers: { "ring-enp7s0": ["n2"], storage: ["n2"] } }),
    );
    expect(parsed).toEqual({
      ok: true,
      value: expect.objectContaining({
        measuredBy: ["n1"],
        paths: [
          {
            file: "iperf3-n1-to-n2-ring-enp7s0.json",
            from: "n1",
            to: "n2",
            network: "ring-enp7s0",
            kind: "ring",
            lineRateGbps: 1,
          },
          {
            file: "iperf3-n1-to-n2-storage.json",
            from: "n1",
            to: "n2",
            network: "storage",
            kind: "storage",
            lineRateGbps: null,
          },
        ],
      }),
    });
  });

  test.each([
    [
      "a server name that is not a node name",
      { lineRateGbps: {}, servers: { storage: ["../../etc/x"] } },
      /iperf3.servers.storage/,
    ],
    ["an unknown network", { lineRateGbps: {}, servers: { wifi: ["n2"] } }, /unknown network "wifi"/],
    ["a line rate that is not a number", { lineRateGbps: { storage: "10" }, servers: {} }, /lineRateGbps/],
  ])("rejects %s, naming the file", async (_what, iperf3, message) => {
    const parsed = parseBenchSettings("results/bench-n1.json", settings(iperf3));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.diagnostic.message).toMatch(message);
    expect(parsed.diagnostic.message).toContain("results/bench-n1.json");
  });
});
