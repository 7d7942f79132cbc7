/**
 * Evaluates a config module's JavaScript in QuickJS compiled to WebAssembly: an engine with its own
 * heap and its own objects, so nothing the config code can reach belongs to the host (no
 * `process`, no `require`, no host function whose constructor leads back to Node). The module sees
 * `require("homegarden")` (a `defineCluster` written inside the sandbox) and nothing else.
 *
 * Only text crosses back: `extract` (sandbox-prelude.ts) writes the default export as JSON text of
 * plain data, or says which value is not plain data; the host parses that text. A time limit that
 * also covers promise jobs and getters, a memory limit and a stack limit stop a config that would
 * hang or exhaust the host; each comes back as a `SandboxFailure` the loader turns into a diagnostic.
 */
import type { QuickJSHandle, QuickJSSyncVariant, QuickJSWASMModule } from "quickjs-emscripten-core";
import { compileEngine } from "./engine-compile.js";
import { sandboxPrelude, type SandboxLimits } from "./sandbox-prelude.js";

export interface EvaluationLimits extends SandboxLimits {
  /** Wall time for the module, its promise jobs and the extraction together. */
  timeMs: number;
  memoryBytes: number;
  stackBytes: number;
}

export const DEFAULT_LIMITS: EvaluationLimits = {
  timeMs: 5000,
  // Some built-ins (JSON.stringify, Array.prototype.join, String.prototype.repeat) run without
  // checking the time limit, for as long as their data takes: the memory limit bounds that too.
  memoryBytes: 128 * 1024 * 1024,
  // The engine's C stack lives in the host's stack while it runs: 192 KiB stops deep recursion
  // well before Node's own stack would overflow (measured: 512 KiB can overflow Node's first).
  stackBytes: 192 * 1024,
  maxString: 64 * 1024,
  // A 1,024-node ring config has about 30,000 values.
  maxValues: 200_000,
  maxDepth: 64,
};

/** Plain data: what the config module's default export became. */
export type PlainData = null | boolean | number | string | PlainData[] | { [key: string]: PlainData };

export type SandboxFailure =
  | { kind: "threw"; name: string; message: string; line?: number }
  | { kind: "timeout" }
  | { kind: "memory"; line?: number }
  | { kind: "stack"; line?: number }
  | { kind: "notData"; path: (string | number)[]; what: string }
  | { kind: "noDefault" }
  | { kind: "forbiddenImport"; specifier: string };

export type SandboxResult = { ok: true; value: PlainData } | { ok: false; failure: SandboxFailure };

/** The part of the WebAssembly global used here (TypeScript's ES2022 library does not declare it). */
declare const WebAssembly: {
  Memory: new (size: { initial: number; maximum: number }) => object;
};

/** The engine's heap beyond the runtime's memory limit: QuickJS's own bookkeeping lives there too. */
const HEAP_HEADROOM_BYTES = 64 * 1024 * 1024;
const WASM_PAGE_BYTES = 64 * 1024;
/** 16 MiB: the example's evaluation needs a few. */
const INITIAL_HEAP_PAGES = 256;
/**
 * Heap lent, out of that headroom, to the extraction (whose JSON text of a config that nearly
 * filled the limit would not fit beside it) and then to describing a failure.
 */
const EXTRACT_HEADROOM_BYTES = 40 * 1024 * 1024;
const DESCRIBE_HEADROOM_BYTES = 56 * 1024 * 1024;
/** Promise jobs run between two looks at the clock. */
const JOB_BATCH = 1000;

/**
 * A fresh QuickJS instance (the WebAssembly module is compiled once per process, engine-compile.ts): whatever a
 * config leaves behind (a full heap, a runtime stopped mid-job) is dropped with its instance
 * instead of being freed by hand.
 */
export async function newEngine(limits: EvaluationLimits = DEFAULT_LIMITS): Promise<QuickJSWASMModule> {
  const [{ newQuickJSWASMModuleFromVariant, newVariant }, variant] = await Promise.all([
    import("quickjs-emscripten-core"),
    import("@jitl/quickjs-wasmfile-release-sync").then(
      (m) => (m as unknown as { default: QuickJSSyncVariant }).default,
    ),
  ]);
  const wasmModule = await compileEngine();
  // The heap starts small and may grow to the limit and its headroom: with its maximum declared,
  // V8 reserves the whole range up front, so growing is cheap (a config that fills the memory limit
  // is stopped in ~1.3 s), while starting at full size made each instance cost ~10 ms more.
  const maximum = Math.ceil((limits.memoryBytes + HEAP_HEADROOM_BYTES) / WASM_PAGE_BYTES);
  const wasmMemory = new WebAssembly.Memory({ initial: INITIAL_HEAP_PAGES, maximum });
  return newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmModule, wasmMemory }));
}

/** The line of the first stack frame in the config file, from a QuickJS stack ("at f (file:12:3)"). */
function lineOf(stack: string, fileName: string): number | undefined {
  for (const match of stack.matchAll(/\(([^()]*?):(\d+):\d+\)/g)) {
    if (match[1] === fileName) return Number(match[2]);
  }
  return undefined;
}

const LIMIT_ERRORS: Record<string, "memory" | "stack"> = {
  "out of memory": "memory",
  "stack overflow": "stack",
};

/**
 * Runs `code` (CommonJS, as strip-types.ts makes it) as the module `fileName` and returns its
 * default export as plain data, or what stopped it.
 */
export function evaluateModule(
  quickjs: QuickJSWASMModule,
  code: string,
  fileName: string,
  limits: EvaluationLimits = DEFAULT_LIMITS,
): SandboxResult {
  const runtime = quickjs.newRuntime();
  runtime.setMemoryLimit(limits.memoryBytes);
  runtime.setMaxStackSize(limits.stackBytes);
  let deadline = Date.now() + limits.timeMs;
  runtime.setInterruptHandler(() => Date.now() > deadline);
  const context = runtime.newContext();
  const handles: QuickJSHandle[] = [];
  const keep = (h: QuickJSHandle): QuickJSHandle => (handles.push(h), h);
  let clean = true;
  try {
    const prelude = context.evalCode(`(${sandboxPrelude.toString()})(${JSON.stringify(limits)})`, "prelude.js");
    const parts = keep(context.unwrapResult(prelude));
    const [module, requireFn, extract, describe, forbiddenImport] = [0, 1, 2, 3, 4].map((i) =>
      keep(context.getProp(parts, i)),
    );
    /** A module the config asked for that is not homegarden, whatever became of the error. */
    const importAttempt = (): SandboxFailure | undefined => {
      const asked = context.callFunction(forbiddenImport, context.undefined);
      if (asked.error) return void asked.error.dispose();
      const specifier = context.getString(asked.value);
      asked.value.dispose();
      return specifier === "" ? undefined : { kind: "forbiddenImport", specifier };
    };
    const exportsObject = keep(context.getProp(module, "exports"));

    /** What a thrown value in the sandbox means for the user, read by the prelude's describe(). */
    const failureOf = (error: QuickJSHandle): SandboxFailure => {
      clean = false;
      const timedOut = Date.now() > deadline;
      // A short extra budget, and room in the heap, to read the error and the import record.
      deadline = Date.now() + 250;
      runtime.setMemoryLimit(limits.memoryBytes + DESCRIBE_HEADROOM_BYTES);
      const imported = importAttempt();
      if (imported) return imported;
      const described = context.callFunction(describe, context.undefined, error);
      if (described.error) {
        described.error.dispose();
        return { kind: timedOut ? "timeout" : "memory" };
      }
      const info = JSON.parse(context.getString(described.value)) as { name: string; message: string; stack: string };
      described.value.dispose();
      const line = lineOf(info.stack, fileName);
      // Where a time limit stops the engine is not where the loop is: QuickJS then names the
      // enclosing function's first line, which would point the user at the wrong place.
      if (timedOut || (info.name === "InternalError" && info.message === "interrupted")) return { kind: "timeout" };
      const limit = info.name === "InternalError" ? LIMIT_ERRORS[info.message] : undefined;
      if (limit !== undefined) return line === undefined ? { kind: limit } : { kind: limit, line };
      return { kind: "threw", name: info.name, message: info.message, ...(line === undefined ? {} : { line }) };
    };

    // The module body as a function of require, module and exports, on its first line so that
    // line numbers stay those of the file.
    const wrapped = context.evalCode(`(function (require, module, exports) {${code}\n})`, fileName);
    if (wrapped.error) return { ok: false, failure: failureOf(keep(wrapped.error)) };
    const body = keep(wrapped.value);
    const ran = context.callFunction(body, context.undefined, requireFn, module, exportsObject);
    if (ran.error) return { ok: false, failure: failureOf(keep(ran.error)) };
    keep(ran.value);
    // Promise jobs the module queued run now, under the same deadline, a batch at a time: the
    // engine swallows an interrupted job, so the clock is read here too.
    while (runtime.hasPendingJob()) {
      if (Date.now() > deadline) {
        clean = false;
        return { ok: false, failure: { kind: "timeout" } };
      }
      const jobs = runtime.executePendingJobs(JOB_BATCH);
      if (jobs.error) return { ok: false, failure: failureOf(keep(jobs.error)) };
    }
    // An interrupted job is swallowed by the engine and ends its chain: the clock says it happened.
    if (Date.now() > deadline) {
      clean = false;
      return { ok: false, failure: { kind: "timeout" } };
    }
    const imported = importAttempt();
    if (imported) return { ok: false, failure: imported };
    runtime.setMemoryLimit(limits.memoryBytes + EXTRACT_HEADROOM_BYTES);
    const extracted = context.callFunction(extract, context.undefined, module);
    if (extracted.error) return { ok: false, failure: failureOf(keep(extracted.error)) };
    const text = context.getString(keep(extracted.value));
    const result = JSON.parse(text) as
      { ok: true; value: PlainData } | { ok: false; noDefault?: true; path?: (string | number)[]; what?: string };
    if (result.ok) return result;
    if (result.noDefault) return { ok: false, failure: { kind: "noDefault" } };
    return { ok: false, failure: { kind: "notData", path: result.path ?? [], what: result.what ?? "" } };
  } catch (error) {
    // Node's own stack overflowed inside the engine (its C stack is Node's): the instance is dropped.
    clean = false;
    if (error instanceof RangeError) return { ok: false, failure: { kind: "stack" } };
    throw error;
  } finally {
    if (clean) {
      for (const h of handles.reverse()) if (h.alive) h.dispose();
      context.dispose();
      runtime.dispose();
    }
  }
}
