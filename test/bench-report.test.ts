/**
 * `homegarden bench report` on output of the real tools, made here by the bundle's own scripts
 * (run-fio.sh with real fio, iperf3-client.sh against a real iperf3 server on loopback addresses).
 * Only the malformed-input tests write results by hand.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseBenchSettings } from "../src/bench/results.js";
import { cli } from "./support/cli.js";
import { tableRows } from "./support/markdown.js";
import { benchRun, FIO_JOBS, type BenchRun } from "./support/bench-results.js";
import { tempDir } from "./support/render.js";

/** A fresh copy of the real results, so a test may add or break files. */
function copyResults(results: string): string {
  const dir = tempDir("homegarden-results-");
  for (const name of readdirSync(results)) copyFileSync(join(results, name), join(dir, name));
  return dir;
}

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Elements with class="mark", counted by Python's XML parser (which rejects anything that is not XML). */
function svgMarks(path: string): number {
  const script =
    "import sys, xml.dom.minidom as m\n" +
    "doc = m.parse(sys.argv[1])\n" +
    "assert doc.documentElement.tagName == 'svg', doc.documentElement.tagName\n" +
    "print(sum(1 for e in doc.getElementsByTagName('*') if 'mark' in e.getAttribute('class').split()))\n";
  return Number(execFileSync("python3", ["-c", script, path], { encoding: "utf8" }).trim());
}

let bench: BenchRun;
beforeAll(async () => {
  bench = await benchRun();
}, 180_000);

describe("the bundle's scripts produce real results", () => {
  test("run-fio.sh writes one fio json+ file per job, on the --target path, and copies its bench.json as bench-pivoine.json", () => {
    const names = readdirSync(bench.results);
    expect(names.filter((n) => n.startsWith("fio-")).sort()).toEqual(FIO_JOBS.map((j) => `fio-${j}.json`).sort());
    expect(names).toContain("bench-pivoine.json");
    expect(existsSync(bench.fioTarget)).toBe(true);
    expect(existsSync(bench.configFioFile)).toBe(false);
    // fio echoes the options it ran with: the async job really ran libaio at depth 16, O_DIRECT.
    const asyncWrite = readJson(join(bench.results, "fio-async-write.json"));
    expect(asyncWrite["global options"]).toMatchObject({ filename: bench.fioTarget, direct: "1", size: "16M" });
    expect(asyncWrite.jobs[0]["job options"]).toMatchObject({ ioengine: "libaio", iodepth: "16", rw: "write" });
    expect(asyncWrite.jobs[0].write.lat_ns.percentile["99.000000"]).toBeGreaterThan(0);
  });

  test("iperf3-client.sh measured pivoine's every path, bound to its own address on each network", () => {
    // The result files the report expects (named from bench.json) are the ones the script wrote.
    const settingsFile = join(bench.results, "bench-pivoine.json");
    const settings = parseBenchSettings(settingsFile, readFileSync(settingsFile, "utf8"));
    if (!settings.ok) throw new Error(settings.diagnostic.message);
    const mine = settings.value.paths.filter((p) => p.from === "pivoine");
    // 2 ring links, then petunia and dahlia on storage and on management.
    expect(mine).toHaveLength(6);
    expect(
      readdirSync(bench.results)
        .filter((n) => n.startsWith("iperf3-"))
        .sort(),
    ).toEqual(mine.map((p) => p.file).sort());
    for (const path of mine) {
      const result = readJson(join(bench.results, path.file));
      expect(result.error).toBeUndefined();
      expect(result.end.sum_received.bits_per_second).toBeGreaterThan(0);
      expect(result.start.test_start).toMatchObject({ num_streams: 1, duration: 1 });
    }
    const ring = readJson(join(bench.results, "iperf3-pivoine-to-petunia-ring-enp7s0.json"));
    expect(ring.start.connected[0]).toMatchObject({ local_host: "127.10.0.1", remote_host: "127.10.0.2" });
    const storage = readJson(join(bench.results, "iperf3-pivoine-to-dahlia-storage.json"));
    expect(storage.start.connected[0]).toMatchObject({ local_host: "127.0.4.101", remote_host: "127.0.4.103" });
  });
});

describe("homegarden bench report", () => {
  test("writes report.md with a row per fio job and per iperf3 pair, values as the tools measured them", async () => {
    const dir = copyResults(bench.results);
    const result = await cli(["bench", "report", dir], dir);
    expect([0, 1]).toContain(result.code);
    const report = readFileSync(join(dir, "report.md"), "utf8");

    const fioRows = tableRows(report, "job");
    expect(fioRows.map((r) => r[0])).toEqual(FIO_JOBS);
    for (const row of fioRows) {
      const json = readJson(join(dir, `fio-${row[0]}.json`)).jobs[0];
      const stats = row[1].startsWith("randread") || row[1] === "read" ? json.read : json.write;
      expect(row[5]).toBe(String(Math.round(stats.iops)));
      expect(Number(row[6])).toBeCloseTo(stats.bw_bytes / 1048576, 1);
      // Three significant digits of the p99 total latency fio recorded.
      const p99Ms = stats.lat_ns.percentile["99.000000"] / 1e6;
      expect(Math.abs(Number(row[8]) - p99Ms) / p99Ms).toBeLessThan(0.01);
    }
    expect(fioRows.find((r) => r[0] === "sync-write")![1]).toBe("write, O_SYNC");
    expect(fioRows.find((r) => r[0] === "async-write")!.slice(3, 5)).toEqual(["16", "libaio"]);

    const netRows = tableRows(report, "from");
    expect(netRows).toHaveLength(6);
    for (const row of netRows) {
      const json = readJson(join(dir, `iperf3-${row[0]}-to-${row[1]}-${row[2]}.json`));
      const gbps = json.end.sum_received.bits_per_second / 1e9;
      expect(Number(row[3])).toBeCloseTo(gbps, 2);
      const lineRate = row[2].startsWith("ring") ? 1 : 10;
      expect(row[4]).toBe(String(lineRate));
      expect(row[5]).toBe(`${((gbps / lineRate) * 100).toFixed(1)}%`);
    }
    // The other nodes' results did not arrive here: named, not silently dropped.
    expect(report).toContain("`bench-dahlia.json`: not measured");
    expect(report).toContain("`bench-petunia.json`: not measured");
    expect(report).not.toContain("`bench-pivoine.json`: not measured");
  });

  test("the SVG charts parse as XML and hold one mark per result", async () => {
    const dir = copyResults(bench.results);
    await cli(["bench", "report", dir], dir);
    expect(svgMarks(join(dir, "fio-latency.svg"))).toBe(FIO_JOBS.length);
    expect(svgMarks(join(dir, "iperf3-throughput.svg"))).toBe(6);
  });

  test("the same results give the same bytes", async () => {
    const a = copyResults(bench.results);
    const b = copyResults(bench.results);
    await cli(["bench", "report", a], a);
    await cli(["bench", "report", b], b);
    for (const name of ["report.md", "fio-latency.svg", "iperf3-throughput.svg"])
      expect(readFileSync(join(a, name), "utf8")).toBe(readFileSync(join(b, name), "utf8"));
  });

  test("flags a sync write above the p99 limit and a pair below its share of line rate, exit 1", async () => {
    const dir = copyResults(bench.results);
    const settings = readJson(join(dir, "bench-pivoine.json"));
    // Thresholds no real machine meets (1 ns, 1 Pbit/s) or always meets (1 kbit/s), whatever its speed.
    settings.report = { minShareOfLineRate: 0.5, syncWriteP99Ms: 0.000001 };
    settings.iperf3.lineRateGbps = { ring: 1e-6, storage: 1e6, management: 1e-6 };
    writeFileSync(join(dir, "bench-pivoine.json"), JSON.stringify(settings));
    const result = await cli(["bench", "report", dir], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/fio sync-write: p99 write latency [0-9.]+ ms is above the 0.000001 ms limit/);
    expect(result.stderr).toMatch(
      /iperf3 pivoine -> petunia over storage: [0-9.]+ Gbit\/s is [0-9.]+% of the 1000000 Gbit\/s line rate, below 50.0%/,
    );
    expect(result.stderr).toMatch(/iperf3 pivoine -> dahlia over storage/);
    expect(result.stderr).not.toMatch(/over management|over ring|fio async-write/);
    const report = readFileSync(join(dir, "report.md"), "utf8");
    expect(tableRows(report, "job").find((r) => r[0] === "sync-write")![9]).toBe("⚠ p99 above limit");
    expect(tableRows(report, "job").find((r) => r[0] === "async-write")![9]).toBe("");
  });

  test("generous thresholds: no findings, exit 0", async () => {
    const dir = copyResults(bench.results);
    const settings = readJson(join(dir, "bench-pivoine.json"));
    settings.report = { minShareOfLineRate: 0.000001, syncWriteP99Ms: 60000 };
    writeFileSync(join(dir, "bench-pivoine.json"), JSON.stringify(settings));
    const result = await cli(["bench", "report", dir, "--out", dir], dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, "report.md"), "utf8")).toContain("None: every result is within its threshold.");
  });

  test("a run the client gave up on (*.failed) is a finding", async () => {
    const dir = copyResults(bench.results);
    const name = "iperf3-pivoine-to-petunia-storage.json";
    writeFileSync(join(dir, `${name}.failed`), readFileSync(join(dir, name)));
    execFileSync("rm", [join(dir, name)]);
    const result = await cli(["bench", "report", dir], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${name}: the run failed`);
  });
});

describe("bench report rejects bad input, naming the file, and writes nothing", () => {
  const cases: [string, string, (real: string) => string, RegExp][] = [
    [
      "truncated fio JSON",
      "fio-seq-read.json",
      (real) => real.slice(0, real.length / 2),
      /HG510 .*fio-seq-read\.json is not valid JSON/,
    ],
    [
      "an empty iperf3 file",
      "iperf3-pivoine-to-dahlia-storage.json",
      () => "",
      /HG510 .*iperf3-pivoine-to-dahlia-storage\.json is not valid JSON \(the file is empty\)/,
    ],
    [
      "iperf3's own error",
      "iperf3-pivoine-to-dahlia-storage.json",
      () => '{"start": {}, "intervals": [], "end": {}, "error": "unable to connect to server: Connection refused"}',
      /HG512 .*iperf3-pivoine-to-dahlia-storage\.json: iperf3 reported an error: unable to connect to server: Connection refused/,
    ],
    [
      "JSON that is not fio's",
      "fio-rand-read.json",
      () => '{"jobs": []}',
      /HG511 .*fio-rand-read\.json is not fio JSON output: no "jobs" array/,
    ],
    [
      "a fio job that failed",
      "fio-rand-write.json",
      (real) => real.replace(/"error" : 0/, '"error" : 5'),
      /HG512 .*fio-rand-write\.json: fio reported an error: job rand-write ended with error 5/,
    ],
    [
      "truncated bench-pivoine.json",
      "bench-pivoine.json",
      (real) => real.slice(0, 40),
      /HG510 .*bench-pivoine\.json is not valid JSON/,
    ],
  ];
  test.each(cases)("%s", async (_what, file, breakIt, message) => {
    const dir = copyResults(bench.results);
    writeFileSync(join(dir, file), breakIt(readFileSync(join(dir, file), "utf8")));
    const before = readdirSync(dir).sort();
    const result = await cli(["bench", "report", dir], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  test("every bad file is named, not only the first", async () => {
    const dir = copyResults(bench.results);
    writeFileSync(join(dir, "fio-seq-read.json"), "{");
    writeFileSync(join(dir, "iperf3-pivoine-to-dahlia-storage.json"), "[");
    const result = await cli(["bench", "report", dir], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("fio-seq-read.json");
    expect(result.stderr).toContain("iperf3-pivoine-to-dahlia-storage.json");
  });

  test("no settings copy: says where to get it", async () => {
    const dir = copyResults(bench.results);
    execFileSync("rm", [join(dir, "bench-pivoine.json")]);
    const result = await cli(["bench", "report", dir], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/HG513 .*bench-<node>\.json does not exist: copy bench\/bench\.json/);
    // --settings points elsewhere.
    const ok = await cli(["bench", "report", dir, "--settings", join(bench.results, "bench-pivoine.json")], dir);
    expect([0, 1]).toContain(ok.code);
    expect(existsSync(join(dir, "report.md"))).toBe(true);
  });

  test("a folder without results", async () => {
    const dir = tempDir();
    copyFileSync(join(bench.results, "bench-pivoine.json"), join(dir, "bench-pivoine.json"));
    const result = await cli(["bench", "report", dir], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/HG514 .* holds no fio-\*\.json or iperf3-\*\.json results/);
  });
});
