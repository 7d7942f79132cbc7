/**
 * Per-phase wall-clock timings of one run (load and type-check, validate, plan, render, bundle, write),
 * for `npm run bench`. Recording is always on and costs a clock read per phase; nothing is printed
 * unless the CLI is asked to (HOMEGARDEN_TIMINGS names a JSON file to write them to).
 */
const phases = new Map<string, number>();
/**
 * Per running phase, the time the phases nested in it took: a phase's figure leaves them out.
 * Phases nest (an awaited phase inside another) but never run side by side, so one stack serves
 * both the synchronous and the asynchronous ones.
 */
const nested: number[] = [];

function finish(phase: string, start: number): void {
  const ms = performance.now() - start;
  add(phase, ms - nested.pop()!);
  if (nested.length > 0) nested[nested.length - 1] += ms;
}

function add(phase: string, ms: number): void {
  phases.set(phase, (phases.get(phase) ?? 0) + ms);
}

export function timed<T>(phase: string, work: () => T): T {
  const start = performance.now();
  nested.push(0);
  try {
    return work();
  } finally {
    finish(phase, start);
  }
}

export async function timedAsync<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  nested.push(0);
  try {
    return await work();
  } finally {
    finish(phase, start);
  }
}

/** Milliseconds spent in each phase so far, in the order the phases first ran. */
export function phaseTimes(): Record<string, number> {
  return Object.fromEntries([...phases].map(([phase, ms]) => [phase, Math.round(ms * 10) / 10]));
}
