/** Review and operation helpers: diff, init, topology picture, --node, completion. */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { cli } from "./support/cli.js";
import { packageRoot } from "../src/paths.js";
import { topologySvg } from "../src/render/topology.js";
import { renderConfig, TEST_VRRP_PASSWORD, tempDir } from "./support/render.js";
import { writeConfig } from "./support/configs.js";
import { ringConfigSource } from "./support/ring-configs.js";

/** Parses XML with Python's expat-based parser; returns the element tags and texts as JSON. */
function parseXml(xml: string): { tags: string[]; texts: string[]; attrs: Record<string, string>[] } {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
els = list(root.iter())
print(json.dumps({"tags": [e.tag.split("}")[-1] for e in els], "texts": [e.text or "" for e in els], "attrs": [e.attrib for e in els]}))
`;
  return JSON.parse(execFileSync("python3", ["-c", script], { input: xml, encoding: "utf8" }));
}

describe("homegarden diff", () => {
  test("exit 0 against a fresh render, exit 1 after a config change, with a unified diff", async () => {
    const cwd = tempDir();
    expect((await cli(["render"], cwd)).code).toBe(0);
    const same = await cli(["diff"], cwd);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("no changes against out/");

    writeFileSync(join(cwd, "out", "pivoine", "run.sh"), "tampered\n");
    const changed = await cli(["diff"], cwd);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain("changed  pivoine/run.sh");
    expect(changed.stdout).toMatch(/^-tampered$/m);
    expect(changed.stdout).toMatch(/^\+set -euo pipefail$/m);
  });

  test("reports added and removed files and never prints a secret, old or new", async () => {
    const cwd = tempDir();
    await cli(["render"], cwd, { HOMEGARDEN_VRRP_PASSWORD: "oldPass1" });
    writeFileSync(join(cwd, "out", "stray.txt"), "left over\n");
    const result = await cli(["diff"], cwd, { HOMEGARDEN_VRRP_PASSWORD: TEST_VRRP_PASSWORD });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("removed  stray.txt");
    expect(result.stdout).toContain("changed  pivoine/files/etc/keepalived/keepalived.conf");
    expect(result.stdout).toContain("only secret values differ");
    expect(result.stdout).not.toContain("oldPass1");
    expect(result.stdout).not.toContain(TEST_VRRP_PASSWORD);
    const missing = await cli(["diff", "--against", "nowhere", "--stat"], cwd);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("added    pivoine/run.sh");
  });
});

describe("homegarden diff without the secret (a CI gate)", () => {
  test("compares every file with secrets masked, leaves the secret's digests and tarballs uncompared, and still finds a change", async () => {
    const cwd = tempDir();
    expect((await cli(["render"], cwd)).code).toBe(0);
    const same = await cli(["diff"], cwd, {});
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("no changes against out/");
    expect(same.stderr).toContain("HG427");
    expect(same.stderr).toContain("pivoine.tar.gz: not compared (its bytes depend on the secret, absent here)");
    expect(same.stderr).toContain("pivoine/SHA256SUMS: not compared");
    expect(same.stdout + same.stderr).not.toContain(TEST_VRRP_PASSWORD);

    writeFileSync(join(cwd, "out", "pivoine", "files", "etc", "modules-load.d", "drbd.conf"), "tampered\n");
    const changed = await cli(["diff", "--stat"], cwd, {});
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain("changed  pivoine/files/etc/modules-load.d/drbd.conf");
    expect(changed.stdout).not.toContain("keepalived.conf");
  });
});

describe("homegarden init", () => {
  test("writes a config that type-checks with tsc and renders, and refuses to overwrite", async () => {
    const dir = tempDir();
    const first = await cli(["init", dir], tempDir());
    expect(first.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([".gitignore", "homegarden.config.ts", "tsconfig.json"]);
    // git itself decides: the bundle folders are reviewable, the tarballs and the secret-bearing file are not.
    execFileSync("git", ["init", "-q", dir]);
    const ignored = (path: string): boolean =>
      spawnSync("git", ["-C", dir, "check-ignore", "-q", "--no-index", path]).status === 0;
    expect(ignored("out/pivoine/run.sh")).toBe(false);
    expect(ignored("out/pivoine/files/etc/drbd-reactor.d/linstor_db.toml")).toBe(false);
    expect(ignored("out/RUNBOOK.md")).toBe(false);
    expect(ignored("out/pivoine.tar.gz")).toBe(true);
    expect(ignored("out/pivoine/files/etc/keepalived/keepalived.conf")).toBe(true);
    expect(ignored("secrets/vrrp")).toBe(true);
    // The editor's view: tsc with the written tsconfig accepts the module...
    const tsc = resolve(packageRoot, "node_modules", ".bin", "tsc");
    const ok = spawnSync(tsc, ["--noEmit", "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
    expect(ok.stdout + ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    // ...and flags a wrong type in it.
    const config = join(dir, "homegarden.config.ts");
    writeFileSync(config, readFileSync(config, "utf8").replace("virtualRouterId: 51", 'virtualRouterId: "51"'));
    const bad = spawnSync(tsc, ["--noEmit", "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toContain("homegarden.config.ts(");

    const again = await cli(["init", dir], tempDir());
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("use --force");
    expect(readFileSync(config, "utf8")).toContain('virtualRouterId: "51"');
    expect((await cli(["init", dir, "--force"], tempDir())).code).toBe(0);
    expect(readFileSync(config, "utf8")).toContain("virtualRouterId: 51,");
    const check = await cli(["check"], dir);
    expect(check.code).toBe(0);
  });
});

describe("topology.svg", () => {
  test("parses as XML and shows every node, link, NIC and address of the example", async () => {
    const rendered = await renderConfig();
    const svg = rendered.text("topology.svg");
    const xml = parseXml(svg);
    expect(xml.tags[0]).toBe("svg");
    const texts = xml.texts.join("\n");
    const plan = rendered.check.plan;
    for (const node of plan.nodes) {
      expect(xml.attrs.some((a) => a["data-node"] === node.name)).toBe(true);
      expect(texts).toContain(node.management.cidr);
      expect(texts).toContain(node.storage.cidr);
    }
    expect(xml.attrs.filter((a) => a["data-subnet"]).map((a) => a["data-subnet"])).toEqual(
      plan.links.map((l) => l.subnet),
    );
    for (const link of plan.links) {
      expect(texts).toContain(link.subnet);
      expect(texts).toContain(`${link.a.nic} ${link.a.ip}`);
      expect(texts).toContain(`${link.b.nic} ${link.b.ip}`);
    }
    expect(texts).toContain("VIP 10.100.4.100/24");
    expect(rendered.text("RUNBOOK.md")).toContain("](topology.svg)");
  });

  // An independent look at the geometry: every <text> as the box a monospace font gives it (0.6 em a
  // character, from 0.8 em above the baseline to 0.25 em below), every <line> as a segment.
  function geometry(svg: string) {
    const attrs = (s: string): Record<string, string> =>
      Object.fromEntries([...s.matchAll(/([a-z][a-z0-9-]*)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const rootSize = Number(/<svg [^>]*font-size="([\d.]+)"/.exec(svg)![1]);
    const lines = [...svg.matchAll(/<line ([^>]*)\/>/g)].map((m) => {
      const a = attrs(m[1]);
      return { x1: +a.x1, y1: +a.y1, x2: +a.x2, y2: +a.y2, stroke: a.stroke };
    });
    const unescape = (t: string): string =>
      t
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&");
    const texts = [...svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].map((m) => {
      const a = attrs(m[1]);
      const size = a["font-size"] ? Number(a["font-size"]) : rootSize;
      const width = unescape(m[2]).length * 0.6 * size;
      const left = a["text-anchor"] === "middle" ? +a.x - width / 2 : +a.x;
      return { label: unescape(m[2]), left, right: left + width, top: +a.y - 0.8 * size, bottom: +a.y + 0.25 * size };
    });
    return { lines, texts };
  }

  type Line = ReturnType<typeof geometry>["lines"][number];
  type TextBox = ReturnType<typeof geometry>["texts"][number];
  function crosses(l: Line, t: TextBox): boolean {
    // Liang-Barsky clipping of the segment against the box.
    let [t0, t1] = [0, 1];
    const dx = l.x2 - l.x1;
    const dy = l.y2 - l.y1;
    for (const [p, q] of [
      [-dx, l.x1 - t.left],
      [dx, t.right - l.x1],
      [-dy, l.y1 - t.top],
      [dy, t.bottom - l.y1],
    ]) {
      if (p === 0) {
        if (q < 0) return false;
      } else {
        const r = q / p;
        if (p < 0) t0 = Math.max(t0, r);
        else t1 = Math.min(t1, r);
        if (t0 > t1) return false;
      }
    }
    return true;
  }

  test.each([
    ["the example", undefined],
    ["a 5-node ring", { nodes: 5, topology: "ring", routing: "routed" }],
    ["an 8-node ring", { nodes: 8, topology: "ring", routing: "routed-fallback" }],
    ["a 4-node mesh", { nodes: 4, topology: "mesh", routing: "routed" }],
    ["a 5-node mesh", { nodes: 5, topology: "mesh", routing: "routed" }],
  ] as const)("%s: no line crosses a label, and a legend names every kind of line", async (_name, ring) => {
    const file = ring ? writeConfig(ringConfigSource({ ...ring })).file : undefined;
    const svg = (await renderConfig(file)).text("topology.svg");
    const { lines, texts } = geometry(svg);
    expect(lines.length).toBeGreaterThan(2);
    const crossings = lines.flatMap((l) =>
      texts.filter((t) => crosses(l, t)).map((t) => `${t.label} x (${l.x1},${l.y1})-(${l.x2},${l.y2})`),
    );
    expect(crossings).toEqual([]);
    const legend = /<g class="legend">([\s\S]*?)<\/g>/.exec(svg)?.[1] ?? "";
    const legendStrokes = new Set([...legend.matchAll(/stroke="(#[0-9a-f]{6})"/g)].map((m) => m[1]));
    const drawn = new Set(lines.map((l) => l.stroke));
    expect([...drawn].filter((c) => !legendStrokes.has(c))).toEqual([]);
    expect(legend).toContain("ring link");
    expect(legend).toContain("storage network");
  });

  test("escapes text so a value cannot break the XML", async () => {
    const rendered = await renderConfig();
    const plan = structuredClone(rendered.check.plan);
    plan.cluster = 'a<b>&"c';
    expect(() => parseXml(topologySvg(plan))).not.toThrow();
  });
});

describe("CLI conventions", () => {
  test("--node renders one bundle and rejects an unknown node", async () => {
    const cwd = tempDir();
    const one = await cli(["render", "--node", "petunia"], cwd);
    expect(one.code).toBe(0);
    expect(existsSync(join(cwd, "out", "petunia", "run.sh"))).toBe(true);
    expect(existsSync(join(cwd, "out", "pivoine"))).toBe(false);
    const bad = await cli(["render", "--node", "rose"], cwd);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--node rose: not a node of this cluster (nodes: pivoine, petunia, dahlia)");
    expect(existsSync(join(cwd, "out", "petunia", "run.sh"))).toBe(true);
  });

  test("--quiet prints nothing on success", async () => {
    const result = await cli(["render", "--quiet"], tempDir());
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
  });

  test("completion prints a shell completion script", () => {
    // process.env here holds the test's own cache folder (a child given no env would get the real one).
    const result = spawnSync(resolve(packageRoot, "bin", "homegarden"), ["completion"], {
      encoding: "utf8",
      env: process.env,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("_homegarden_yargs_completions");
    const syntax = spawnSync("bash", ["-n"], { input: result.stdout });
    expect(syntax.status).toBe(0);
  });

  test("--help documents the exit codes", async () => {
    const result = await cli(["--help"], tempDir());
    expect((result.stdout + result.stderr).replace(/\s+/g, " ")).toContain(
      "Exit codes: 0 ok, 1 findings (check, diff, verify-tarball, bench report), 2 usage, config or input error.",
    );
  });
});
