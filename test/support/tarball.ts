/** A tarball's entries for tests, failing the test with the reader's problem when it cannot be read. */
import { readTarGz, type TarEntry } from "../../src/review/tarball.js";

export function tarEntries(tarball: Buffer): TarEntry[] {
  const read = readTarGz(tarball);
  if (!read.ok) throw new Error(`unreadable tarball: ${read.problem}`);
  return read.entries;
}
