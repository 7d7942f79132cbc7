/** "Did you mean": the known name nearest to a mistyped one (edit distance by leven). */
import leven from "leven";

/** The known key nearest to `key`, when it is near enough to be a typo (at most a third of it differs). */
export function nearestKey(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = leven(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}
