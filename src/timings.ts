/**
 * Per-phase wall-clock timings of one run (load and type-check, validate, plan, render, bundle, write),
 * for `npm run bench`. Recording is always on and costs a clock read per phase; nothing is printed
 * unless the CLI is asked to (HOMEGARDEN_TIMINGS names a JSON file to write them to).
 */
const phases = new Map<string, number>();
/** Per running synchronous phase, the time its nested phases took: a phase's figure leaves them out. */
const nested: number[] = [];

function add(phase: string, ms: number): void {
  phases.set(phase, (phases.get(phase) ?? 0) + ms);
}

export function timed<T>(phase: string, work: () => T): T {
  const start = performance.now();
  nested.push(0);
  try {
    return work();
  } finally {
    const ms = performance.now() - start;
    add(phase, ms - nested.pop()!);
    if (nested.length > 0) nested[nested.length - 1] += ms;
  }
}

export async function timedAsync<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    add(phase, performance.now() - start);
  }
}

/** Milliseconds spent in each phase so far, in the order the phases first ran. */
export function phaseTimes(): Record<string, number> {
  return Object.fromEntries([...phases].map(([phase, ms]) => [phase, Math.round(ms * 10) / 10]));
}
