/** Runs the CLI in-process with captured output: what a shell user would see, without a process. */
import { main } from "../../src/cli/main.js";
import { TEST_ENV } from "./render.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = TEST_ENV): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd });
  return { code, stdout, stderr };
}
