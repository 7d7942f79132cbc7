/**
 * The config sandbox's engine (QuickJS compiled to WebAssembly): compiled once per process, and run
 * with V8 making baseline code only.
 *
 * Without `--liftoff-only`, V8 recompiles the engine's hot functions with its optimising compiler
 * on background threads: on a 2-core machine that took both cores for ~90 ms after the evaluation
 * and stalled the tarballs' gzip behind it, while an evaluation is over long before optimised code
 * would pay for itself. The flag is set only while the engine compiles and runs
 * (`withBaselineEngine`) and then put back: V8 refuses every code cache made under other flags,
 * Node's own for its built-in modules included (loading four of them took 11.7 ms instead of 3.5 ms
 * with the flag left on).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { packageRoot } from "../paths.js";

/** Baseline code only, for the engine. */
const ENGINE_FLAGS = "--liftoff-only";
/** V8's defaults for what `--liftoff-only` sets: itself, and the two tiering flags it turns off. */
const DEFAULT_FLAGS = "--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering";

/** The part of the WebAssembly global used here (TypeScript's ES2022 library does not declare it). */
declare const WebAssembly: { compile(bytes: Uint8Array): Promise<object> };

let compiled: Promise<object> | undefined;
/** Evaluations under way: the flags go back when the last one ends. */
let running = 0;

/** Runs `work` (compiling, instantiating and running the engine) with the engine's V8 flags. */
export async function withBaselineEngine<T>(work: () => Promise<T>): Promise<T> {
  if (running++ === 0) setFlagsFromString(ENGINE_FLAGS);
  try {
    return await work();
  } finally {
    if (--running === 0) setFlagsFromString(DEFAULT_FLAGS);
  }
}

/**
 * The engine's compiled WebAssembly module, compiled on the first call (inside `withBaselineEngine`).
 * Its functions are compiled lazily, at their first call: compiling all of them up front took
 * ~20 ms, more than the functions an evaluation uses.
 */
export function compileEngine(): Promise<object> {
  compiled ??= WebAssembly.compile(
    readFileSync(createRequire(join(packageRoot, "package.json")).resolve("@jitl/quickjs-wasmfile-release-sync/wasm")),
  );
  return compiled;
}
