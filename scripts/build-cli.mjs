#!/usr/bin/env node
/**
 * Bundles the command line for bin/homegarden, as two CommonJS files:
 *
 * - dist/homegarden.cjs: the whole command line (src/cli/main.ts with ours, yargs, eta, ip-num,
 *   diff and sucrase). Node 20 keeps no compile cache for ES modules, and compiling one 580 KB ES
 *   module (before that, ~70 small ones) was ~40 ms of every run, plus the functions compiled while
 *   running. A CommonJS file can be run through V8's code cache instead, so a run compiles almost
 *   nothing: seed-code-cache.mjs, run after this, makes the cache in dist/code-cache/, and a run that
 *   cannot use it keeps its own in the cache folder (src/cli/launch.ts, src/code-cache.ts).
 * - dist/launch.cjs: the launcher (src/cli/launch.ts) that bin/homegarden requires: it loads
 *   dist/homegarden.cjs through that code cache and runs it.
 *
 * What is only needed on some paths stays outside and is loaded on demand, with its own code cache:
 * ts-morph's TypeScript and its lib files (type-check), ts-morph itself (positions). Modules that do costly work
 * when loaded but are needed on some paths only are bundled lazily (see `lazyModules`).
 *
 * The sources are ES modules: `import.meta.url` becomes the file URL of the bundle itself.
 */
import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Packages loaded on their first call instead of when the bundle loads, with the functions used
 * from them. string-width (yargs' help layout) builds an Intl.Segmenter and Unicode property
 * regexes when loaded (~20 ms); only --help and usage errors measure text. sucrase (~5 ms) only
 * serves the commands that load a config.
 */
const lazyModules = {
  "string-width": ["default"],
  sucrase: ["transform"],
};

/** Replaces each import of a lazy module by functions that require() it on first call (esbuild then wraps it to initialise on demand). */
const lazyModulesPlugin = {
  name: "lazy-modules",
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(lazyModules).join("|")})$`);
    b.onResolve({ filter }, async (args) => {
      if (args.pluginData?.real) return undefined;
      const real = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { real: true },
      });
      if (real.errors.length > 0) return { errors: real.errors };
      // Named relative to the package (the name shows in the bundle's comments), loaded from real.path.
      const path = relative(root, real.path);
      return { path, namespace: "lazy", pluginData: { real: real.path, names: lazyModules[args.path] } };
    });
    b.onLoad({ filter: /.*/, namespace: "lazy" }, ({ pluginData: { real, names } }) => ({
      contents: names
        .map((name) => {
          const call = `require(${JSON.stringify(real)})${name === "default" ? ".default" : `.${name}`}(...args)`;
          return name === "default"
            ? `export default function lazyDefault(...args) { return ${call}; }`
            : `export function ${name}(...args) { return ${call}; }`;
        })
        .join("\n"),
      loader: "js",
      resolveDir: dirname(real),
    }));
  },
};

/**
 * yargs guesses a default --version from the package.json it finds upwards of its own folder, cut
 * at "node_modules"; bundled, that folder is dist/, so it searched upwards of the working folder
 * instead (reading each folder up to /, and any unrelated package.json on the way). Its platform
 * shim gets the URL it would have in node_modules/, next to dist/, so the search ends at once in
 * homegarden's own folder. (Our --version is VERSION in any case.)
 */
const yargsShimUrlPlugin = {
  name: "yargs-shim-url",
  setup(b) {
    b.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes("import.meta.url")) throw new Error(`${args.path} no longer uses import.meta.url`);
      const url = 'new URL("../node_modules/yargs/lib/platform-shims/esm.mjs", __homegardenModuleUrl).href';
      return { contents: source.replaceAll("import.meta.url", url), loader: "js" };
    });
  },
};

/**
 * ip-num builds its IPv6 class's constant ranges (private, documentation, multicast, ...) when
 * loaded, parsing each through regular expressions that V8 must compile first: ~7 ms of every run,
 * for constants homegarden never reads (its networks are IPv4). Each becomes a getter that makes
 * the same value on first read and then stays a plain property. The build fails if ip-num no
 * longer assigns them this way.
 */
const ipv6ConstantsPlugin = {
  name: "ip-num-lazy-ipv6-constants",
  setup(b) {
    b.onLoad({ filter: /[\\/]ip-num[\\/]dist[\\/]src[\\/]IPNumber\.js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      let count = 0;
      const contents = source.replace(/^IPv6\.([A-Z_]+) = ([\s\S]*?);$/gm, (_, name, value) => {
        count += 1;
        return `lazyConstant(IPv6, ${JSON.stringify(name)}, () => (${value}));`;
      });
      if (count === 0) throw new Error(`${args.path}: no IPv6 constants found to defer`);
      const lazyConstant = `function lazyConstant(target, name, make) {
  const settle = (value) => Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(target, name, { enumerable: true, configurable: true, get() { const value = make(); settle(value); return value; }, set: settle });
}`;
      return { contents: `${contents}\n${lazyConstant}\n`, loader: "js" };
    });
  },
};

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  charset: "ascii",
  logLevel: "warning",
  legalComments: "none",
  define: { "import.meta.url": "__homegardenModuleUrl" },
  banner: { js: 'var __homegardenModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
};

await build({
  ...common,
  entryPoints: [join(root, "src", "cli", "main.ts")],
  outfile: join(root, "dist", "homegarden.cjs"),
  external: ["ts-morph"],
  // import("x") becomes require("x") (its CommonJS entry): code run through vm.Script can import()
  // only with an experimental Node option that prints a warning when used.
  supported: { "dynamic-import": false },
  plugins: [lazyModulesPlugin, yargsShimUrlPlugin, ipv6ConstantsPlugin],
});

await build({
  ...common,
  entryPoints: [join(root, "src", "cli", "launch.ts")],
  outfile: join(root, "dist", "launch.cjs"),
});
