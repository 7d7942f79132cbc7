#!/usr/bin/env node
/**
 * Makes dist/code-cache/: the V8 code caches of the CLI bundle and of ts-morph's three files (its
 * TypeScript, @ts-morph/common, ts-morph), so that even the first run of a user (nothing in the cache
 * folder yet) compiles none of them. Runs after build-cli.mjs: renders the example once with an
 * empty, temporary cache folder, which makes the first three (each holding the functions that run
 * compiled: type-check and render), then checks a four-node ring, whose warning (an even node count)
 * is positioned in the config with ts-morph, which makes the fourth; and keeps them.
 *
 * A seed is used only for the same bytes (key and digest in its header), Node version, architecture
 * and V8 flags it was made with (see src/code-cache.ts); the launcher falls back to the cache folder
 * otherwise. The run gets no NODE_OPTIONS, so the seeds match a plain `node`. Seeds only save time:
 * if they cannot be made, this warns and leaves none, and the build goes on.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ringConfig } from "./ring-config.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const seedDir = join(root, "dist", "code-cache");
let work;
try {
  work = mkdtempSync(join(tmpdir(), "homegarden-seed-"));
  // No seed while making them: an old one for the same bytes would be used instead of compiling.
  rmSync(seedDir, { recursive: true, force: true });
  const env = { ...process.env, HOMEGARDEN_CACHE_DIR: join(work, "cache"), HOMEGARDEN_VRRP_PASSWORD: "seeding" };
  for (const name of ["NODE_OPTIONS", "HOMEGARDEN_NO_CACHE", "HOMEGARDEN_TIMINGS"]) delete env[name];
  const example = join(root, "examples", "homegarden.config.ts");
  const r = spawnSync(process.execPath, [join(root, "bin", "homegarden"), "render", example, "-o", join(work, "out")], {
    cwd: work,
    env,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`homegarden render failed (${r.status}):\n${r.stderr}`);
  const ring = join(work, "ring.config.ts");
  writeFileSync(ring, ringConfig(4));
  const c = spawnSync(process.execPath, [join(root, "bin", "homegarden"), "check", ring], {
    cwd: work,
    env,
    encoding: "utf8",
  });
  if (c.status !== 0 || !/warning HG104/.test(c.stderr))
    throw new Error(`homegarden check of a 4-node ring gave no positioned warning (${c.status}):\n${c.stderr}`);
  const caches = readdirSync(join(work, "cache")).filter((f) => f.endsWith(".v8"));
  if (caches.length !== 4) throw new Error(`expected 4 code caches, got: ${caches.join(", ")}`);
  mkdirSync(seedDir, { recursive: true });
  for (const file of caches) {
    copyFileSync(join(work, "cache", file), join(seedDir, file));
    chmodSync(join(seedDir, file), 0o644); // the cache folder's are private; a seed is read by any user
  }
} catch (error) {
  rmSync(seedDir, { recursive: true, force: true });
  process.stderr.write(`warning: no code cache seeds in dist/ (first runs will compile): ${error.message}\n`);
} finally {
  if (work) rmSync(work, { recursive: true, force: true });
}
