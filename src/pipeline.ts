/**
 * The whole pipeline as functions: load -> validate -> plan -> render -> assemble -> write. No
 * printing here. The CLI reaches every layer through this module only.
 */
import { loadConfigModule, type LoadedModule } from "./config/loader.js";
import { validateConfig, type ValidConfig } from "./config/validate.js";
import type { Diagnostic } from "./diagnostics/diagnostic.js";
import { planCluster, type ClusterPlan } from "./plan/plan.js";
import type { Artifact } from "./artifact.js";
import { renderCluster } from "./render/index.js";
import { assembleOutput, type OutputFile } from "./bundle/write.js";
import { typecheckCacheFromEnv } from "./config/typecheck-cache.js";
import { sha256 } from "./bundle/checksums.js";
import type { ManifestInfo } from "./bundle/manifest.js";
import { VERSION } from "./version.js";
import type { TypecheckCache } from "./config/typecheck-cache.js";
import { timed, timedAsync } from "./timings.js";

export interface CheckOptions {
  env?: NodeJS.ProcessEnv;
  /** False for commands that need no secret value (check, plan): an absent secret is only a warning. */
  secretsRequired?: boolean;
  cwd?: string;
  /** Warnings count as errors. */
  strict?: boolean;
  /** Skip the type-check of a config source that passed before: this cache, or (true) the one `env` names. */
  cache?: TypecheckCache | true;
}

export type CheckResult =
  | { ok: true; module: LoadedModule; valid: ValidConfig; plan: ClusterPlan; warnings: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[]; sourceText?: string };

/** Loads, type-checks and validates a config module; positions every finding in the user's file. */
export async function checkConfig(configPath: string, options: CheckOptions = {}): Promise<CheckResult> {
  const cache = options.cache === true ? typecheckCacheFromEnv(options.env ?? process.env) : options.cache;
  const loaded = await loadConfigModule(configPath, options.cwd, cache ? { cache } : {});
  if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics, sourceText: loaded.sourceText };
  const module = loaded.module;
  const result = timed("validate", () =>
    validateConfig(module.value, {
      configFile: module.absolutePath,
      env: options.env ?? process.env,
      ...(options.secretsRequired === undefined ? {} : { secretsRequired: options.secretsRequired }),
    }),
  );
  const place = (d: Diagnostic): Diagnostic => (d.position || !d.path ? d : { ...d, position: module.locate(d.path) });
  if (!result.ok) return { ok: false, diagnostics: result.diagnostics.map(place), sourceText: module.sourceText };
  const valid = { ...result.valid, configSha256: sha256(module.sourceText) };
  const planned = timed("plan", () => planCluster(valid));
  if (!planned.plan)
    return {
      ok: false,
      diagnostics: [...result.warnings, ...planned.findings].map(place),
      sourceText: module.sourceText,
    };
  const plan = planned.plan;
  const warnings = [...result.warnings, ...planned.findings].map(place);
  if (options.strict && warnings.length > 0)
    return {
      ok: false,
      diagnostics: warnings.map((w) => ({ ...w, severity: "error" as const })),
      sourceText: module.sourceText,
    };
  return { ok: true, module, valid, plan, warnings };
}

export async function renderArtifacts(valid: ValidConfig, plan: ClusterPlan, nodes?: string[]): Promise<Artifact[]> {
  return timedAsync("render", () =>
    renderCluster(plan, {
      secrets: valid.secrets,
      ...(valid.keyring ? { keyring: valid.keyring } : {}),
      ...(valid.debs ? { debs: valid.debs } : {}),
      ...(nodes ? { nodes } : {}),
    }),
  );
}

/** What every bundle's MANIFEST.json says about its origin. */
export function manifestInfo(valid: ValidConfig, plan: ClusterPlan): ManifestInfo {
  return {
    generator: { name: "homegarden", version: VERSION },
    cluster: plan.cluster,
    configSha256: valid.configSha256 ?? "unknown",
    targets: { proxmox: plan.proxmoxRelease, ...plan.versions },
  };
}

export async function renderOutput(
  valid: ValidConfig,
  plan: ClusterPlan,
  env: NodeJS.ProcessEnv = process.env,
  nodes?: string[],
): Promise<OutputFile[]> {
  return (await renderBundles(valid, plan, env, nodes)).files;
}

/** The artifacts and the output files made of them (bundles, MANIFEST.json, SHA256SUMS, tarballs). */
export async function renderBundles(
  valid: ValidConfig,
  plan: ClusterPlan,
  env: NodeJS.ProcessEnv = process.env,
  nodes?: string[],
): Promise<{ artifacts: Artifact[]; files: OutputFile[] }> {
  const artifacts = await renderArtifacts(valid, plan, nodes);
  const files = await timedAsync("bundle", () => assembleOutput(artifacts, env, manifestInfo(valid, plan)));
  return { artifacts, files };
}

/** The `plan` command's summary of a plan. */
export { formatPlan } from "./render/plan-table.js";
/** Writing out/: only into a folder homegarden proves its own, all at once. */
export {
  claimOutputFolder,
  keepOtherNodes,
  OutputFolderRefused,
  writeOutputAtomically,
  type OutputFile,
} from "./bundle/write.js";
export { OWNER_MARKER } from "./bundle/ownership.js";
