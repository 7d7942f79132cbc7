/**
 * DRBD options on a LINSTOR resource group, checked as the LINSTOR client checks them
 * (linstor-client drbd_setup_cmds.py) against the option table of the targeted LINSTOR release
 * (drbd-option-table.ts, generated from linstor-common's drbdsetup.xml), and the value LINSTOR
 * stores for each: byte-like values are converted to the option's unit, booleans lowercased.
 */
import { compareVersions } from "./defaults.js";
import { DRBD_OPTION_TABLES } from "./drbd-option-table.js";
import { nearestKey } from "./nearest-key.js";

export interface DrbdOption {
  /** The property namespace LINSTOR stores it under: DrbdOptions/<section>/<name>. */
  section: string;
  type: "string" | "boolean" | "symbol" | "range" | "numeric" | "numeric-or-symbol";
  values?: readonly string[];
  min?: number;
  max?: number;
  /** "1" bytes, "k" KiB, "s" 512-byte sectors: the unit a byte-like value is stored in. */
  unitPrefix?: string;
  unit?: string;
  /** Takes a size with a unit ("4G"), converted by the client to unitPrefix. */
  bytes?: boolean;
}

export type DrbdOptionTables = Record<string, { source: string; options: Record<string, DrbdOption> }>;

/** The generated tables, checked against the shape this module reads. */
const TABLES: DrbdOptionTables = DRBD_OPTION_TABLES;

/** The release line whose table applies: 1.33 or later, or before; undefined when the version is unknown. */
function releaseLine(linstor: string | undefined): string | undefined {
  if (linstor === undefined) return undefined;
  return compareVersions(linstor, "1.33") >= 0 ? "1.33" : "1.31";
}

/** The options of the targeted release; with no version, every option any known release accepts. */
export function drbdOptionTable(linstor: string | undefined): Record<string, DrbdOption> {
  const line = releaseLine(linstor);
  if (line !== undefined) return TABLES[line].options;
  return Object.assign({}, ...Object.values(TABLES).map((t) => t.options)) as Record<string, DrbdOption>;
}

/** Where the table of the targeted release comes from (for messages). */
export function drbdOptionSource(linstor: string | undefined): string {
  const line = releaseLine(linstor);
  return line !== undefined ? TABLES[line].source : "every LINSTOR release homegarden knows";
}

// linstor-api-py SizeCalc.UNITS_MAP: power of 2 (binary) or of 10 (decimal) per unit, case-insensitive.
const UNITS: Record<string, bigint> = {
  b: 1n,
  s: 512n,
  k: 1024n,
  kib: 1024n,
  kb: 1000n,
  m: 1024n ** 2n,
  mib: 1024n ** 2n,
  mb: 1000n ** 2n,
  g: 1024n ** 3n,
  gib: 1024n ** 3n,
  gb: 1000n ** 3n,
  t: 1024n ** 4n,
  tib: 1024n ** 4n,
  tb: 1000n ** 4n,
  p: 1024n ** 5n,
  pib: 1024n ** 5n,
  pb: 1000n ** 5n,
};
const STORED_UNIT: Record<string, bigint> = { "1": 1n, k: 1024n, s: 512n };

export type DrbdOptionCheck =
  | { ok: true; stored: string }
  | { ok: false; unknown: true; suggestion?: string }
  | { ok: false; unknown: false; expected: string };

function describe(option: DrbdOption): string {
  switch (option.type) {
    case "boolean":
      return "yes or no";
    case "symbol":
      return `one of ${option.values!.join(", ")}`;
    case "numeric-or-symbol":
      return `a whole number from ${option.min} to ${option.max! - 1} or one of ${option.values!.join(", ")}`;
    case "range":
      return option.bytes
        ? `a size from ${option.min} to ${option.max} ${storedUnitName(option)} (a unit such as K, M or G may follow the number)`
        : `a whole number from ${option.min} to ${option.max}${option.unit ? ` (${option.unit})` : ""}`;
    case "numeric":
      return "a whole number";
    case "string":
      return "text";
  }
}

function storedUnitName(option: DrbdOption): string {
  return option.unitPrefix === "k" ? "KiB" : option.unitPrefix === "s" ? "sectors" : "bytes";
}

/** Whether LINSTOR accepts `--name=value` on a resource group, and the value it then stores. */
export function checkDrbdOption(name: string, value: string, linstor: string | undefined): DrbdOptionCheck {
  const table = drbdOptionTable(linstor);
  const option = Object.hasOwn(table, name) ? table[name] : undefined;
  if (option === undefined) {
    const suggestion = nearestKey(name, Object.keys(table));
    return { ok: false, unknown: true, ...(suggestion !== undefined ? { suggestion } : {}) };
  }
  const stored = storedValue(option, value);
  return stored === undefined ? { ok: false, unknown: false, expected: describe(option) } : { ok: true, stored };
}

function storedValue(option: DrbdOption, value: string): string | undefined {
  const whole = /^-?\d+$/.test(value) ? BigInt(value) : undefined;
  const inRange = (n: bigint, maxExclusive = false): boolean =>
    (option.min === undefined || n >= BigInt(option.min)) &&
    (option.max === undefined || (maxExclusive ? n < BigInt(option.max) : n <= BigInt(option.max)));
  switch (option.type) {
    case "boolean":
      return /^(yes|no)$/i.test(value) ? value.toLowerCase() : undefined;
    case "symbol":
      return option.values!.includes(value) ? value : undefined;
    case "string":
      return value;
    case "numeric":
      return whole !== undefined ? whole.toString() : undefined;
    case "numeric-or-symbol":
      // The client's check is Python's range(min, max): max itself is refused.
      if (whole !== undefined) return inRange(whole, true) ? whole.toString() : undefined;
      return option.values!.includes(value) ? value : undefined;
    case "range": {
      if (!option.bytes) return whole !== undefined && inRange(whole) ? whole.toString() : undefined;
      // SizeCalc.auto_convert: a number and an optional unit (bytes without one), truncated to the stored unit.
      const m = /^(\d+)\s*([a-zA-Z]*)$/.exec(value);
      const from = m ? UNITS[(m[2] || "b").toLowerCase()] : undefined;
      if (!m || from === undefined) return undefined;
      const converted = (BigInt(m[1]) * from) / STORED_UNIT[option.unitPrefix ?? "1"];
      return inRange(converted) ? converted.toString() : undefined;
    }
  }
}
