/**
 * homegarden installs like any npm CLI: `npm pack` gives a tarball that `npm i -g` installs outside
 * the clone, and the installed command runs `init` and `render` in an empty folder (the README's
 * "Installed as a package" section). The package is packed from this tree's built dist/ (what
 * `npm ci` builds), installed under a temporary prefix; dependencies come from npm's cache or the
 * registry.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/paths.js";
import { tempDir, TEST_VRRP_PASSWORD } from "./support/render.js";

const INSTALL_TIMEOUT_MS = 240_000;

test(
  "npm pack, npm i -g of the tarball, then homegarden init and render in an empty folder",
  () => {
    const work = tempDir("homegarden-npm-");
    const npm = (args: string[], cwd: string): string =>
      execFileSync("npm", args, {
        cwd,
        encoding: "utf8",
        env: {
          ...process.env,
          npm_config_update_notifier: "false",
          npm_config_fund: "false",
          npm_config_audit: "false",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
    const packed = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", work], packageRoot));
    const tarball = join(work, packed[0].filename);
    expect(existsSync(tarball)).toBe(true);
    const files = (packed[0].files as { path: string }[]).map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining(["bin/homegarden", "dist/launch.cjs", "examples/homegarden.config.ts"]),
    );
    expect(files.some((f) => f.startsWith("test/") || f.startsWith("golden/"))).toBe(false);

    const prefix = join(work, "global");
    npm(["install", "--global", "--prefix", prefix, "--prefer-offline", tarball], work);
    const homegarden = join(prefix, "bin", "homegarden");
    const site = join(work, "site");
    execFileSync("mkdir", [site]);
    const run = (args: string[]): string =>
      execFileSync(homegarden, args, {
        cwd: site,
        encoding: "utf8",
        env: { PATH: process.env.PATH, HOME: work, HOMEGARDEN_VRRP_PASSWORD: TEST_VRRP_PASSWORD },
      });
    run(["init"]);
    expect(readdirSync(site).sort()).toEqual([".gitignore", "homegarden.config.ts", "tsconfig.json"]);
    expect(run(["render"])).toMatch(/rendered 3 bundle\(s\) \(pivoine, petunia, dahlia\)/);
    expect(readdirSync(join(site, "out")).sort()).toEqual(
      expect.arrayContaining(["RUNBOOK.md", "pivoine", "pivoine.tar.gz", "petunia.tar.gz", "dahlia.tar.gz"]),
    );
  },
  INSTALL_TIMEOUT_MS,
);
