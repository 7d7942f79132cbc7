/** `homegarden init`: a starting config module, a tsconfig for editors, and a .gitignore. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { exampleConfigPath, packageRoot } from "../paths.js";

export interface InitFile {
  path: string;
  content: string;
}

/** The files init writes into `dir`; the tsconfig maps "homegarden" to this installation's types. */
export function initFiles(dir: string): InitFile[] {
  const typesEntry = existsSync(resolve(packageRoot, "dist", "index.d.ts"))
    ? resolve(packageRoot, "dist", "index.d.ts")
    : resolve(packageRoot, "src", "index.ts");
  let typesPath = relative(resolve(dir), typesEntry);
  if (!typesPath.startsWith(".")) typesPath = `./${typesPath}`;
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "Bundler",
      lib: ["ES2022"],
      types: [],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      paths: { homegarden: [typesPath] },
    },
    include: ["homegarden.config.ts"],
  };
  const example = readFileSync(exampleConfigPath, "utf8");
  const config = [
    "// homegarden cluster description. Edit it, then: homegarden check && homegarden render",
    "// Secrets (the VRRP password) come from the environment or a file outside git, never from here.",
    example,
  ].join("\n");
  return [
    { path: "homegarden.config.ts", content: config },
    { path: "tsconfig.json", content: `${JSON.stringify(tsconfig, null, 2)}\n` },
    {
      path: ".gitignore",
      content: [
        "# homegarden: the bundle folders in out/ are reviewed in git like code. What stays out:",
        "# the tarballs (the folders hold the same files), every rendered file that holds a secret",
        "# (keepalived.conf: the VRRP password), and local secret files.",
        "out/*.tar.gz",
        "out/*/files/etc/keepalived/keepalived.conf",
        "secrets/",
        "*.secret",
        "",
      ].join("\n"),
    },
  ];
}

export type InitResult = { ok: true; written: string[] } | { ok: false; existing: string[] };

/** Writes the init files; refuses (writing nothing) when any exists, unless `force`. */
export function runInit(dir: string, force: boolean): InitResult {
  const files = initFiles(dir);
  const existing = files.filter((f) => existsSync(join(dir, f.path))).map((f) => f.path);
  if (existing.length > 0 && !force) return { ok: false, existing };
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f.path), f.content);
  return { ok: true, written: files.map((f) => f.path) };
}
