/** The keepalived section: VRRP router id, advert interval, and the VRRP password (resolved here, never echoed). */
import { catalogue } from "../diagnostics/catalogue.js";
import type { ConfigPath } from "../diagnostics/diagnostic.js";
import type { Findings } from "./findings.js";
import { ENV_NAME, isInt, VRRP_PASSWORD } from "./rules.js";
import { resolveSecret } from "./secrets.js";
import type { ResolvedConfig } from "./schema.js";
import type { SecretSource } from "./types.js";

export interface SecretContext {
  /** Absolute path of the config module (a `{ file }` secret is relative to it). */
  configFile: string;
  env?: NodeJS.ProcessEnv;
  /** False when an absent secret is only a warning (check, plan). */
  secretsRequired?: boolean;
}

/** Returns the VRRP password when it resolved. */
export function validateKeepalived(config: ResolvedConfig, context: SecretContext, f: Findings): string | undefined {
  const keepalived = config.keepalived;
  if (!isInt(keepalived.virtualRouterId, 1, 255))
    f.add(catalogue.routerIdInvalid, ["keepalived", "virtualRouterId"], keepalived.virtualRouterId);
  if (keepalived.advertInterval !== undefined && !isInt(keepalived.advertInterval, 1, 255))
    f.add(catalogue.intervalInvalid, ["keepalived", "advertInterval"], keepalived.advertInterval);
  const password = resolveChecked(keepalived.password, ["keepalived", "password"], context, f);
  if (password === undefined) return undefined;
  // Never echo the secret itself: say what is wrong with it.
  if (password.length === 0) f.add(catalogue.passwordInvalid, ["keepalived", "password"], "is empty");
  else if (password.length > 8)
    f.add(catalogue.passwordInvalid, ["keepalived", "password"], `has ${password.length} characters`);
  else if (!VRRP_PASSWORD.test(password))
    f.add(catalogue.passwordInvalid, ["keepalived", "password"], "has a character keepalived cannot take");
  return password;
}

function resolveChecked(
  source: SecretSource,
  path: ConfigPath,
  context: SecretContext,
  f: Findings,
): string | undefined {
  if ("env" in source && !ENV_NAME.test(source.env)) {
    f.add(catalogue.secretEnvNameInvalid, [...path, "env"], source.env);
    return undefined;
  }
  const result = resolveSecret(source, context.configFile, context.env);
  if (!result.ok) {
    if (result.absent && context.secretsRequired === false) f.add(catalogue.secretAbsentHere, path, result.why);
    else f.add(catalogue.secretMissing, path, result.why);
    return undefined;
  }
  return result.value;
}
