/**
 * TypeScript -> CommonJS for evaluating a config module, by removing the types (sucrase): fast to load
 * and to run, so an unchanged (cached) config never loads the TypeScript compiler. The same
 * transform runs whether or not the type-check was cached, so the evaluated value cannot differ.
 */
import { createRequire } from "node:module";
import type * as Sucrase from "sucrase";

const require = createRequire(import.meta.url);

export function stripTypes(sourceText: string, filePath: string): string {
  const { transform } = require("sucrase") as typeof Sucrase;
  return transform(sourceText, { transforms: ["typescript", "imports"], filePath }).code;
}
