/**
 * Validation: everything the types cannot say, one validator per config section (validate-*.ts),
 * field rules only. Collects every finding with the config path of the offending value; the caller
 * turns paths into file positions. What needs the ring planned (allocation, overlaps, topology,
 * fallback coverage) is the planner's (plan/ring-check.ts).
 */
import { catalogue } from "../diagnostics/catalogue.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { Findings } from "./findings.js";
import type { RingLinks } from "./ring-links.js";
import { MAX_NODES, MAX_RING_LINKS } from "./rules.js";
import { clusterSchema, type ResolvedConfig } from "./schema.js";
import { parseShape } from "./shape-findings.js";
import { validateApt, type VendoredDeb } from "./validate-apt.js";
import { validateBench } from "./validate-bench.js";
import { validateCluster } from "./validate-cluster.js";
import { validateKeepalived, type SecretContext } from "./validate-keepalived.js";
import { validateLinstor } from "./validate-linstor.js";
import { validateMonitoring } from "./validate-monitoring.js";
import { validateNodes } from "./validate-nodes.js";
import { validateRing } from "./validate-ring.js";

export interface ResolvedSecrets {
  vrrpPassword: string;
}

export interface ValidConfig {
  /** The config as written, every constant default filled in (schema.ts). */
  config: ResolvedConfig;
  /** The ring links, as written or derived from the nodes' ringNics, in link order, with their config paths. */
  ringLinks: RingLinks;
  /** Every node and VIP address, by IP -> where the config gives it (the ring's must not collide with them). */
  claimedAddresses: ReadonlyMap<string, string>;
  secrets: ResolvedSecrets;
  /** Bytes of the vendored LINBIT keyring, when the config names one. */
  keyring?: Buffer;
  /** Vendored .deb packages (apt.debs), by file name, sorted. */
  debs?: VendoredDeb[];
  /** SHA-256 of the config module's text (set by the pipeline, which has the text). */
  configSha256?: string;
}

/**
 * Where the config module is (secrets and vendored files are relative to it), the environment, and
 * whether an absent secret is an error (render) or a warning (check, plan: a CI gate needs no secret).
 */
export type ValidationContext = SecretContext;

export type ValidationResult =
  { ok: true; valid: ValidConfig; warnings: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

/**
 * The config must have the schema's kinds everywhere before any rule reads it: a cast (`as any`,
 * `as never`) or a computed value can slip anything past the type-check, and every value later
 * reaches a file. Returns the config with its defaults.
 */
function checkShape(input: unknown, f: Findings): ResolvedConfig | undefined {
  const config = parseShape(clusterSchema, input, f);
  if (!config) return undefined;
  // Bounded work: past this size the plan would take minutes and gigabytes (checked before planning).
  const { nodes, ring } = config;
  if (nodes.length > MAX_NODES) f.add(catalogue.clusterTooLarge, ["nodes"], nodes.length, "nodes", MAX_NODES);
  const links = ring.links?.length ?? 0;
  if (links > MAX_RING_LINKS) f.add(catalogue.clusterTooLarge, ["ring", "links"], links, "ring links", MAX_RING_LINKS);
  return f.errors.length === 0 ? config : undefined;
}

export function validateConfig(input: unknown, context: ValidationContext): ValidationResult {
  const f = new Findings();
  const config = checkShape(input, f);
  if (!config) return { ok: false, diagnostics: f.list };
  validateCluster(config, f);
  const nodeFacts = validateNodes(config, f);
  const ring = validateRing(config, nodeFacts, f);
  validateLinstor(config, nodeFacts, f);
  const vrrpPassword = validateKeepalived(config, context, f);
  validateMonitoring(config, f);
  const vendored = validateApt(config.apt, context.configFile, f);
  validateBench(config, f);
  if (f.errors.length > 0 || !ring.usable) return { ok: false, diagnostics: f.list };
  return {
    ok: true,
    valid: {
      config,
      ringLinks: ring.ringLinks,
      claimedAddresses: nodeFacts.addresses.claimed,
      secrets: { vrrpPassword: vrrpPassword ?? "" },
      ...(vendored.keyring ? { keyring: vendored.keyring } : {}),
      ...(vendored.debs ? { debs: vendored.debs } : {}),
    },
    warnings: f.list,
  };
}
