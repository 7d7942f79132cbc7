/**
 * TypeScript -> CommonJS for evaluating a config module, by removing the types (sucrase): fast to load
 * and to run, so an unchanged (cached) config never loads the TypeScript compiler. The same
 * transform runs whether or not the type-check was cached, so the evaluated value cannot differ.
 */
import { transform } from "sucrase";

export function stripTypes(sourceText: string, filePath: string): string {
  return transform(sourceText, { transforms: ["typescript", "imports"], filePath }).code;
}
