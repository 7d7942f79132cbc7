/**
 * Each scenario's complete render must equal golden/<scenario>/ byte for byte (secrets masked):
 * the example (golden/homegarden/) and the example targeting newer releases, whose version-branched
 * output differs (golden/linstor-1.34/). UPDATE_GOLDEN=1 npm test rewrites the golden files after an
 * intended change.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { packageRoot } from "../src/paths.js";
import { sha256 } from "../src/bundle/checksums.js";
import { maskSecrets } from "../src/artifact.js";
import { SCENARIOS } from "./support/scenarios.js";
import { renderConfig, tempDir, TEST_VRRP_PASSWORD } from "./support/render.js";

const TARBALL_SUMS = "TARBALLS.sha256";

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

function unifiedDiff(expected: string, actual: string, name: string): string {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, "expected"), expected);
    writeFileSync(join(dir, "actual"), actual);
    execFileSync("diff", [
      "-u",
      "--label",
      `golden/${name}`,
      "--label",
      `render/${name}`,
      join(dir, "expected"),
      join(dir, "actual"),
    ]);
    return "";
  } catch (error) {
    return String((error as { stdout?: Buffer }).stdout ?? error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(SCENARIOS)("golden render: $name", ({ name, config, keepalived }) => {
  const GOLDEN_DIR = resolve(packageRoot, "golden", name);
  let expected: Map<string, string>;

  beforeAll(async () => {
    const rendered = await renderConfig(config?.());
    const secrets = [...new Set(rendered.artifacts.flatMap((a) => a.secrets ?? []))];
    expect(secrets).toEqual(keepalived === false ? [] : [TEST_VRRP_PASSWORD]);
    expected = new Map();
    const tarballSums: string[] = [];
    for (const file of rendered.files) {
      if (file.path.endsWith(".tar.gz")) {
        tarballSums.push(`${sha256(file.content)}  ${file.path}\n`);
        continue;
      }
      expected.set(file.path, maskSecrets(file.content.toString("utf8"), secrets));
    }
    expected.set(TARBALL_SUMS, tarballSums.join(""));
    if (process.env.UPDATE_GOLDEN === "1") {
      rmSync(GOLDEN_DIR, { recursive: true, force: true });
      for (const [path, text] of expected) {
        mkdirSync(dirname(join(GOLDEN_DIR, path)), { recursive: true });
        writeFileSync(join(GOLDEN_DIR, path), text);
      }
    }
  });

  test("the golden folder holds exactly the rendered files", () => {
    expect(listFiles(GOLDEN_DIR)).toEqual([...expected.keys()].sort());
  });

  test("every file matches byte for byte", () => {
    const diffs: string[] = [];
    for (const [path, text] of expected) {
      const goldenPath = join(GOLDEN_DIR, path);
      const golden = existsSync(goldenPath) ? readFileSync(goldenPath, "utf8") : "";
      if (golden !== text) diffs.push(unifiedDiff(golden, text, path));
    }
    if (diffs.length > 0)
      throw new Error(`render differs from golden/ (UPDATE_GOLDEN=1 npm test if intended):\n${diffs.join("\n")}`);
  });

  test("the masked secret is visible where it was", () => {
    const confs = [...expected].filter(([path]) => path.endsWith("/files/etc/keepalived/keepalived.conf"));
    expect(confs.length).toBe(keepalived === false ? 0 : 3);
    for (const [, text] of confs) expect(text).toMatch(/^\s*auth_pass \*{8}$/m);
  });

  test("no golden file holds the VRRP password", () => {
    for (const path of listFiles(GOLDEN_DIR)) {
      expect(readFileSync(join(GOLDEN_DIR, path), "utf8")).not.toContain(TEST_VRRP_PASSWORD);
    }
  });
});
