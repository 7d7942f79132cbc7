/**
 * Real fio and iperf3 output for the report tests, made on this machine by the bundle's own scripts:
 * run-fio.sh (fio on a 16 MiB temp file, 1 s per job) and iperf3-client.sh against an iperf3 server on
 * loopback addresses (a variant of the example whose node and ring addresses are 127.x, 1 s per path).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { EXAMPLE_SOURCE, writeConfig } from "./configs.js";
import { renderConfig, tempDir, type Rendered } from "./render.js";

export const FIO_JOBS = ["sync-write", "async-write", "rand-read", "rand-write", "seq-read", "seq-write"];

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** The example with small fio values, loopback addresses and a given iperf3 port. */
export function loopbackBenchConfig(fioFile: string, port: number): string {
  const replacements: [RegExp, string][] = [
    [/filename: "\/mnt\/fio\/testfile"/, `filename: "${fioFile}"`],
    [/size: "1G"/, 'size: "16M"'],
    [/runtimeSeconds: 60/, "runtimeSeconds: 1"],
    [/durationSeconds: 10/, "durationSeconds: 1"],
    [/port: 5201/, `port: ${port}`],
    [/"10\.100\.3\./g, '"127.0.3.'],
    [/"10\.100\.4\./g, '"127.0.4.'],
    [/"10\.10\./g, '"127.10.'],
  ];
  let source = EXAMPLE_SOURCE;
  for (const [from, to] of replacements) {
    const next = source.replace(from, to);
    if (next === source) throw new Error(`${from} is not in the example any more`);
    source = next;
  }
  return source;
}

export interface BenchRun {
  rendered: Rendered;
  /** Results folder as the scripts left it (bench.json, fio-*.json, iperf3-*.json). */
  results: string;
  /** Where --target pointed fio, and the config's own (unused) test file. */
  fioTarget: string;
  configFioFile: string;
  fioOutput: string;
  iperfOutput: string;
}

function materialise(rendered: Rendered, dir: string): void {
  for (const file of rendered.files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content, { mode: file.mode });
  }
}

function run(script: string, args: string[], timeoutMs: number): { code: number | null; output: string } {
  const r = spawnSync("bash", [script, ...args], { encoding: "utf8", timeout: timeoutMs });
  return { code: r.status, output: `${r.stdout}${r.stderr}${r.error ? String(r.error) : ""}` };
}

let cached: Promise<BenchRun> | undefined;

/** Renders the loopback variant and runs pivoine's run-fio.sh and iperf3-client.sh once per test file. */
export function benchRun(): Promise<BenchRun> {
  cached ??= (async () => {
    const work = tempDir("homegarden-bench-");
    const configFioFile = join(work, "vm", "testfile");
    const fioTarget = join(work, "target", "testfile");
    const port = await freePort();
    const { file } = writeConfig(loopbackBenchConfig(configFioFile, port));
    const rendered = await renderConfig(file);
    const out = join(work, "out");
    materialise(rendered, out);
    const results = join(work, "results");

    const fio = run(join(out, "pivoine/bench/run-fio.sh"), ["--target", fioTarget, results], 120_000);
    if (fio.code !== 0) throw new Error(`run-fio.sh failed (${fio.code}):\n${fio.output}`);

    // One server for every path: the loopback addresses all belong to this machine.
    let server: ChildProcess | undefined;
    try {
      server = spawn("iperf3", ["--server", "--port", String(port)], { stdio: "ignore" });
      await new Promise((r) => setTimeout(r, 300));
      const iperf = run(join(out, "pivoine/bench/iperf3-client.sh"), [results], 120_000);
      if (iperf.code !== 0) throw new Error(`iperf3-client.sh failed (${iperf.code}):\n${iperf.output}`);
      return { rendered, results, fioTarget, configFioFile, fioOutput: fio.output, iperfOutput: iperf.output };
    } finally {
      server?.kill("SIGTERM");
    }
  })();
  return cached;
}
