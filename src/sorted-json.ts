/** JSON with object keys sorted at every level, so plan.json never reorders by accident. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortedKeys(value));
}

/**
 * The value as JSON.parse(JSON.stringify(value)) would give it, with object keys sorted: one pass
 * instead of two conversions and a copy (plan.json of a 256-node ring is 12 MB). Like JSON: toJSON
 * is applied, undefined, functions and symbols are left out of objects and null in arrays, and
 * non-finite numbers are null. Objects have no prototype, so a key "__proto__" stays a key.
 */
export function sortedKeys(value: unknown): unknown {
  const json = (v: unknown): unknown => {
    if (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function")
      v = (v as { toJSON: () => unknown }).toJSON();
    if (Array.isArray(v)) return v.map((e) => json(e) ?? null);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      const record = v as Record<string, unknown>;
      for (const key of Object.keys(record).sort()) {
        const converted = json(record[key]);
        if (converted !== undefined) out[key] = converted;
      }
      return out;
    }
    if (typeof v === "function" || typeof v === "symbol" || v === undefined) return undefined;
    if (typeof v === "number" && !Number.isFinite(v)) return null;
    return v;
  };
  return json(value);
}
