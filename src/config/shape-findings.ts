/**
 * The schema's findings in the user's words: every place where the config's value differs from
 * schema.ts becomes HG006 ("expected ...", from the schema's descriptions) or HG009 (an unknown key,
 * with the nearest known one). A mismatch inside a tuple or a union is reported at the tuple or union.
 */
import * as v from "valibot";
import { catalogue } from "../diagnostics/catalogue.js";
import type { ConfigPath } from "../diagnostics/diagnostic.js";
import type { Findings } from "./findings.js";
import { nearestKey } from "./nearest-key.js";

type AnySchema = v.GenericSchema & {
  wrapped?: AnySchema;
  entries?: Record<string, AnySchema>;
  item?: AnySchema;
  value?: AnySchema;
  options?: readonly unknown[];
  pipe?: readonly { type: string; requirement?: unknown }[];
};

const unwrap = (schema: AnySchema): AnySchema =>
  schema.type === "optional" && schema.wrapped ? unwrap(schema.wrapped) : schema;

/** The schema at `path`, and how much of the path leads to the place a finding belongs (a tuple or union stops it). */
function schemaAt(root: AnySchema, path: ConfigPath): { schema: AnySchema; depth: number } {
  let schema = unwrap(root);
  for (const [depth, key] of path.entries()) {
    if (schema.type === "strict_tuple" || schema.type === "union") return { schema, depth };
    const next = schema.entries?.[String(key)] ?? schema.item ?? schema.value;
    if (!next) return { schema, depth };
    schema = unwrap(next);
  }
  return { schema, depth: path.length };
}

/** What a schema accepts, in words. */
export function describeSchema(schema: AnySchema): string {
  const described = v.getDescription(schema);
  if (described !== undefined) return described;
  switch (schema.type) {
    case "string":
    case "number":
    case "boolean":
      return `a ${schema.type}`;
    case "picklist":
      return `one of ${(schema.options ?? []).map((o) => JSON.stringify(o)).join(", ")}`;
    case "array": {
      const min = schema.pipe?.find((a) => a.type === "min_length")?.requirement;
      return min === undefined ? "a list" : `a list of at least ${String(min)}`;
    }
    case "record":
      return `an object of ${schema.value ? describeSchema(unwrap(schema.value)) : "any"} values`;
    default:
      return schema.expects;
  }
}

/** Adds a finding for every issue; returns the value with its defaults when there is none. */
export function parseShape<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  f: Findings,
): v.InferOutput<S> | undefined {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const seen = new Set<string>();
  for (const issue of result.issues) {
    const fullPath: ConfigPath = (issue.path ?? []).map((item) => item.key as string | number);
    const unknownKey = issue.type === "strict_object" && issue.expected === "never";
    const { schema: at, depth } = schemaAt(schema as AnySchema, unknownKey ? fullPath.slice(0, -1) : fullPath);
    const path = fullPath.slice(0, unknownKey ? fullPath.length : depth);
    const key = JSON.stringify(path);
    if (seen.has(key)) continue;
    seen.add(key);
    if (unknownKey) {
      const name = String(fullPath[fullPath.length - 1]);
      const known = Object.keys(at.entries ?? {});
      f.add(catalogue.unknownKey, path, name, nearestKey(name, known), known.join(", "));
    } else f.add(catalogue.shapeInvalid, path, describeSchema(at));
  }
  return undefined;
}
