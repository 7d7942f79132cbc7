/**
 * Jest setup: every test run gets its own homegarden cache folder, so no test (nor a bin/homegarden
 * it spawns with process.env) reads or writes the real ~/.cache/homegarden.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.HOMEGARDEN_CACHE_DIR = mkdtempSync(join(tmpdir(), "homegarden-cache-"));
delete process.env.XDG_CACHE_HOME;
