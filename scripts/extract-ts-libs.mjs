#!/usr/bin/env node
/**
 * Writes dist/ts-lib-files.json: the lib files a config type-check reads (the libs of its compiler
 * options and every lib they reference), taken from ts-morph's TypeScript, with that compiler's
 * version. A type-check then reads ~70 KB of JSON instead of loading @ts-morph/common (3 MB of
 * JavaScript) to get at them; without the file (or for another compiler) it still loads them from
 * there. Runs after tsc (it uses dist/).
 */
import { writeFileSync } from "node:fs";
import { allLibFiles, compilerVersion, libClosure } from "../dist/config/compiler.js";
import { CHECK_COMPILER_OPTIONS } from "../dist/config/typecheck.js";
import { libFilesPath } from "../dist/paths.js";

const all = allLibFiles();
const needed = libClosure(
  new Map(Object.entries(all.files)),
  CHECK_COMPILER_OPTIONS.lib.map((name) => `lib.${name}.d.ts`),
);
const files = Object.fromEntries([...needed].sort(([a], [b]) => (a < b ? -1 : 1)));
writeFileSync(libFilesPath, `${JSON.stringify({ compiler: compilerVersion(), folder: all.folder, files })}\n`);
