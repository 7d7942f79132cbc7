/** Phase timings (HOMEGARDEN_TIMINGS, npm run bench): a phase's figure leaves out the phases nested in it. */
import { phaseTimes, timed, timedAsync } from "../src/timings.js";

const busy = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("nested phases, synchronous and awaited, are counted once, in the innermost phase", async () => {
  const started = performance.now();
  await timedAsync("t-outer", async () => {
    busy(20);
    timed("t-inner-sync", () => busy(40));
    await timedAsync("t-inner-async", () => sleep(60));
  });
  const total = performance.now() - started;
  const times = phaseTimes();
  expect(times["t-inner-sync"]).toBeGreaterThanOrEqual(39);
  expect(times["t-inner-async"]).toBeGreaterThanOrEqual(55);
  expect(times["t-outer"]).toBeGreaterThanOrEqual(19);
  // The outer phase's own time only: the three add up to the whole, not to more.
  expect(times["t-outer"]).toBeLessThan(total - times["t-inner-sync"] - times["t-inner-async"] + 1);
  expect(times["t-outer"] + times["t-inner-sync"] + times["t-inner-async"]).toBeLessThanOrEqual(total + 1);
});
