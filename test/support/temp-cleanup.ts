/**
 * Jest setup after the framework: once a test file is done, the temp folders it made with tempDir()
 * and its isolated cache folder are removed, so a test run leaves nothing behind in the temp folder.
 */
import { rmSync } from "node:fs";
import { createdTempDirs } from "./render.js";

afterAll(() => {
  for (const dir of createdTempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  const cache = process.env.HOMEGARDEN_CACHE_DIR;
  if (cache && /homegarden-cache-[^/]+$/.test(cache)) rmSync(cache, { recursive: true, force: true });
});
