// ESLint keeps the layers of src/ layered: imports flow cli -> pipeline -> {config, plan, render,
// bundle}, cli -> {review, bench}, render -> plan -> config, with artifact.ts the neutral contract between render and
// bundle, and no module imports itself back through a cycle. Style is prettier's job; only these
// structural rules (and no `any` in src/) run here.
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

/** A folder of src/ may not import the listed folders (or files) of src/. */
function layer(folder, forbidden, why) {
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: forbidden.map((name) => ({
            group: [
              `../${name}`,
              `../${name}/*`,
              `../${name}.js`,
              `../../${name}`,
              `../../${name}/*`,
              `../../${name}.js`,
            ],
            message: `${folder}/ may not import ${name}: ${why}`,
          })),
        },
      ],
    },
  };
}

export default [
  { ignores: ["dist/**", "node_modules/**", "golden/**", "test/bad-configs/**", ".bench/**"] },
  {
    files: ["**/*.ts", "**/*.mjs", "**/*.js", "bin/homegarden"],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: "module" },
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })],
      // How import-x reads the modules it follows (for no-cycle).
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/extensions": [".ts", ".js", ".mjs"],
    },
    rules: { "import-x/no-cycle": "error" },
  },
  { files: ["bin/homegarden"], languageOptions: { sourceType: "commonjs" } },
  // No `any` in the product code (tests may poke at fakes with it).
  {
    files: ["src/**/*.ts"],
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: { "@typescript-eslint/no-explicit-any": "error" },
  },
  layer("cli", ["config", "plan", "render", "bundle"], "the CLI goes through the pipeline"),
  layer("render", ["cli", "pipeline", "bundle", "review", "bench"], "render turns a plan into text, nothing more"),
  layer(
    "plan",
    ["cli", "pipeline", "render", "bundle", "review", "bench"],
    "the plan is computed before anything is rendered",
  ),
  layer(
    "config",
    ["cli", "pipeline", "plan", "render", "bundle", "review", "bench"],
    "loading and validating come first; what needs the plan is the planner's finding",
  ),
  layer(
    "bundle",
    ["cli", "pipeline", "render", "plan", "config", "review"],
    "bundle writes artifacts (artifact.ts), whatever made them",
  ),
  layer("review", ["cli", "pipeline", "render", "plan", "config"], "review reads bundles and artifacts only"),
  layer(
    "diagnostics",
    ["cli", "pipeline", "render", "plan", "config", "bundle", "review", "bench"],
    "diagnostics are the bottom layer",
  ),
];
