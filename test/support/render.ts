/** Renders configs in memory for tests, with the fixed test secret. */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { OutputFile } from "../../src/bundle/write.js";
import { exampleConfigPath } from "../../src/paths.js";
import { checkConfig, manifestInfo, renderArtifacts, type CheckResult } from "../../src/pipeline.js";
import { assembleOutput } from "../../src/bundle/write.js";
import type { Artifact } from "../../src/artifact.js";

/** The VRRP password every test render uses; never a real one. */
export const TEST_VRRP_PASSWORD = "hgTest42";
export const TEST_ENV: NodeJS.ProcessEnv = { HOMEGARDEN_VRRP_PASSWORD: TEST_VRRP_PASSWORD };

export interface Rendered {
  check: Extract<CheckResult, { ok: true }>;
  artifacts: Artifact[];
  files: OutputFile[];
  /** Text of the file at this path below out/. */
  text(path: string): string;
}

const cache = new Map<string, Promise<Rendered>>();

export function renderConfig(
  configPath: string = exampleConfigPath,
  env: NodeJS.ProcessEnv = TEST_ENV,
): Promise<Rendered> {
  const key = `${configPath}\0${JSON.stringify(env)}`;
  if (!cache.has(key)) {
    cache.set(
      key,
      (async () => {
        const check = await checkConfig(configPath, { env });
        if (!check.ok) throw new Error(`config ${configPath} did not validate: ${JSON.stringify(check.diagnostics)}`);
        const artifacts = await renderArtifacts(check.valid, check.plan);
        const files = await assembleOutput(artifacts, env, manifestInfo(check.valid, check.plan));
        const byPath = new Map(files.map((f) => [f.path, f]));
        return {
          check,
          artifacts,
          files,
          text: (path: string) => {
            const file = byPath.get(path);
            if (!file) throw new Error(`no rendered file ${path}`);
            return file.content.toString();
          },
        };
      })(),
    );
  }
  return cache.get(key)!;
}

/** Every folder tempDir made in this test file; test/support/temp-cleanup.ts removes them after it. */
export const createdTempDirs: string[] = [];

export function tempDir(prefix = "homegarden-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  createdTempDirs.push(dir);
  return dir;
}

/** Writes a render's files into a new temp folder, modes included (the tarballs too); returns it. */
export function writeRendered(rendered: Rendered): string {
  const dir = tempDir();
  for (const file of rendered.files) {
    const path = join(dir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
    chmodSync(path, file.mode);
  }
  return dir;
}
