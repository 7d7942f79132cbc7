#!/usr/bin/env node
/**
 * Bundles the command line into one file, dist/homegarden.mjs, which bin/homegarden runs. Node 20
 * keeps no compile cache for ES modules, so loading ~70 small modules (ours, yargs, eta, ip-num)
 * cost 150-250 ms of every run; one file loads in ~60 ms. What is only needed on some paths stays
 * outside and is loaded on demand: the TypeScript compiler and ts-morph (type-check, positions),
 * sucrase (evaluating the config) and prettier (tables the fast formatter leaves to it).
 */
import { build } from "esbuild";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

await build({
  entryPoints: [join(root, "src", "cli", "main.ts")],
  outfile: join(root, "dist", "homegarden.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["typescript", "ts-morph", "sucrase", "prettier"],
  logLevel: "warning",
  legalComments: "none",
});
