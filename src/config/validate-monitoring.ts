/** The monitoring section: the drbd-reactor Prometheus exporter's listen address. */
import { catalogue } from "../diagnostics/catalogue.js";
import { isValidHostAddress } from "../address.js";
import type { Findings } from "./findings.js";
import type { ResolvedConfig } from "./schema.js";

/** "[IPv4]:port", as drbd-reactor's prometheus plugin reads `address`. */
const LISTEN = /^((?:[0-9]{1,3}\.){3}[0-9]{1,3})?:([0-9]{1,5})$/;

export function validateMonitoring(config: ResolvedConfig, f: Findings): void {
  const listen = config.monitoring?.prometheus?.listen;
  if (listen === undefined) return;
  const match = LISTEN.exec(listen);
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65535 || (match[1] !== undefined && !isValidHostAddress(`${match[1]}/32`)))
    f.add(catalogue.listenInvalid, ["monitoring", "prometheus", "listen"], listen);
}
