/**
 * `./run.sh --dry-run` rehearses anywhere: on this machine (not a node, any host name, the real
 * commands, no fakes) with an empty --root, every node's run of the example and of a 5-node
 * routed-fallback ring exits 0, writes nothing, and prints every one of its steps in order, the
 * preflight FAILs as findings.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ringConfigSource } from "./support/ring-configs.js";
import { writeConfig } from "./support/configs.js";
import { renderConfig, tempDir, writeRendered, type Rendered } from "./support/render.js";

async function scenarios(): Promise<[string, Rendered][]> {
  const fallback = writeConfig(ringConfigSource({ nodes: 5, topology: "ring", routing: "routed-fallback" }));
  return [
    ["example", await renderConfig()],
    ["5-node routed-fallback ring", await renderConfig(fallback.file)],
  ];
}

describe("run.sh --dry-run on a bare root of this machine", () => {
  let cases: [string, Rendered][];
  beforeAll(async () => {
    cases = await scenarios();
  });

  test("every node of every scenario rehearses every step, exits 0 and writes nothing", () => {
    const lines: Record<string, number> = {};
    for (const [name, rendered] of cases) {
      const bundles = writeRendered(rendered);
      for (const node of rendered.check.plan.nodes) {
        const root = tempDir("homegarden-bare-root-");
        const result = spawnSync(join(bundles, node.name, "run.sh"), ["--dry-run", "--root", root], {
          encoding: "utf8",
          env: { PATH: process.env.PATH, LANG: "C.UTF-8", HOME: root },
          timeout: 60_000,
        });
        const output = `${result.stdout}${result.stderr}`;
        expect({ node: node.name, code: result.status, tail: output.slice(-400) }).toMatchObject({ code: 0 });
        const steps = rendered.check.plan.steps
          .filter((s) => s.scope === "all" || (s.scope === "first") === node.isFirst)
          .map((s) => s.id);
        const printed = [...output.matchAll(/^== (\d\d-[a-z0-9-]+): /gm)].map((m) => m[1]);
        expect(printed).toEqual(steps);
        expect(output).toMatch(new RegExp(`^== ${node.name}: finished$`, "m"));
        // This machine is no Proxmox node: the preflight FAILs are shown, and the run goes on.
        expect(output).toMatch(/^FAIL /m);
        expect(output).toContain("a real run stops here until they are fixed. The dry run goes on");
        expect(readdirSync(root)).toEqual([]);
        lines[`${name}/${node.name}`] = output.split("\n").length;
      }
    }
    console.log(`dry-run lines per node: ${JSON.stringify(lines)}`);
  });
});
