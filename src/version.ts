import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { packageRoot } from "./paths.js";

/** homegarden's own version: part of every generated file header and of the reproducibility contract. */
export const VERSION: string = (
  JSON.parse(readFileSync(resolve(packageRoot, "package.json"), "utf8")) as { version: string }
).version;
