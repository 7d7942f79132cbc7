/**
 * Loads a user's config module: checks its source (imports, types against homegarden's types, a
 * default export; skipped when the type-check cache knows this exact source passed), then evaluates
 * it in the sandbox (sandbox.ts), from which only plain data comes back. Reports problems as
 * positioned diagnostics. The compiler and ts-morph are loaded only when needed: a cached, valid
 * config never loads either.
 */
import { relative, resolve } from "node:path";
import type * as TsMorph from "ts-morph";
import type { Node, SourceFile } from "ts-morph";
import { catalogue } from "../diagnostics/catalogue.js";
import { formatPath, type ConfigPath, type Diagnostic, type SourcePosition } from "../diagnostics/diagnostic.js";
import { readRegularFile } from "../read-regular-file.js";
import { timed, timedAsync } from "../timings.js";
import { withBaselineEngine } from "./engine-compile.js";
import { DEFAULT_LIMITS, evaluateModule, newEngine, type SandboxFailure } from "./sandbox.js";
import { stripTypes } from "./strip-types.js";
import { checkModuleSource, TYPE_SOURCES } from "./typecheck.js";
import type { TypecheckCache } from "./typecheck-cache.js";
import { loadCompiler, loadTsMorph, saveCompilerCodeCache } from "./compiler.js";

/** ts-morph, loaded on first use (see compiler.ts): only positioning a finding in the config needs its syntax tree. */
function tsMorph(codeCacheDir?: string): typeof TsMorph {
  return loadTsMorph(codeCacheDir);
}

export interface LoadedModule {
  /** Path as shown to the user (relative to the working directory when inside it). */
  displayPath: string;
  absolutePath: string;
  sourceText: string;
  /** The module's default export, not yet validated. */
  value: unknown;
  /** Finds where a config path is written in the module, falling back to its nearest written ancestor. */
  locate(path: ConfigPath): SourcePosition;
}

export type LoadResult =
  { ok: true; module: LoadedModule } | { ok: false; diagnostics: Diagnostic[]; sourceText?: string };

export function displayPathOf(absolutePath: string, cwd = process.cwd()): string {
  const rel = relative(cwd, absolutePath);
  return rel.startsWith("..") ? absolutePath : rel;
}

function positionOf(sourceFile: SourceFile, pos: number, displayPath: string): SourcePosition {
  const { line, column } = sourceFile.getLineAndColumnAtPos(pos);
  return { file: displayPath, line, column };
}

/** A syntax tree of the config for positioning findings (with a checker, to follow `const x = {...}`). */
function parseForPositions(absolutePath: string, sourceText: string, codeCacheDir?: string): SourceFile {
  const { Project } = tsMorph(codeCacheDir);
  const project = new Project({
    compilerOptions: { noLib: true, types: [] },
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
  });
  return project.createSourceFile(absolutePath, sourceText);
}

/** The expression the module exports by default, with `defineCluster(...)`, `as`, `satisfies` and parens peeled off. */
function defaultExportExpression(sourceFile: SourceFile): Node | undefined {
  const assignment = sourceFile.getExportAssignment((e) => !e.isExportEquals());
  if (!assignment) return undefined;
  return unwrap(assignment.getExpression());
}

function unwrap(node: Node): Node {
  const { Node } = tsMorph();
  let current = node;
  for (;;) {
    if (
      Node.isParenthesizedExpression(current) ||
      Node.isAsExpression(current) ||
      Node.isSatisfiesExpression(current)
    ) {
      current = current.getExpression();
    } else if (Node.isCallExpression(current) && current.getArguments().length === 1) {
      current = current.getArguments()[0];
    } else if (Node.isIdentifier(current)) {
      const decl = current.getSymbol()?.getDeclarations()[0];
      if (decl && Node.isVariableDeclaration(decl) && decl.getInitializer()) {
        current = decl.getInitializer()!;
      } else {
        return current;
      }
    } else {
      return current;
    }
  }
}

/** Walks an object/array literal along `path`; returns the deepest node written in the source. */
export function locateInSource(root: Node | undefined, path: ConfigPath): Node | undefined {
  const { Node } = tsMorph();
  let current = root;
  let found = root;
  for (const part of path) {
    if (!current) break;
    const value = unwrap(current);
    let next: Node | undefined;
    if (typeof part === "string" && Node.isObjectLiteralExpression(value)) {
      const prop = value.getProperty(part) ?? value.getProperty(JSON.stringify(part));
      if (prop && Node.isPropertyAssignment(prop)) {
        found = prop;
        next = prop.getInitializer();
      } else if (prop) {
        found = prop;
      } else {
        // Not written here: it may come from a spread (`...extra`), the nearest place it is.
        const spreads = value.getProperties().filter((p) => Node.isSpreadAssignment(p));
        if (spreads.length > 0) found = spreads[spreads.length - 1];
      }
    } else if (typeof part === "number" && Node.isArrayLiteralExpression(value)) {
      const elements = value.getElements();
      if (!elements.some((e) => Node.isSpreadElement(e)) && elements[part]) {
        found = elements[part];
        next = elements[part];
      }
    }
    if (!next) break;
    current = next;
  }
  return found;
}

export interface LoadOptions {
  /** Remembers configs that passed the source checks; without it every load type-checks. */
  cache?: TypecheckCache;
}

/** A config module is source code a person writes: 1 MiB is far beyond any real one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export async function loadConfigModule(
  configPath: string,
  cwd = process.cwd(),
  options: LoadOptions = {},
): Promise<LoadResult> {
  const absolutePath = resolve(cwd, configPath);
  const displayPath = displayPathOf(absolutePath, cwd);
  const read = readRegularFile(absolutePath, MAX_CONFIG_BYTES);
  if (!read.ok) {
    const [code, message] =
      read.why === "no such file"
        ? [catalogue.configNotFound.code, catalogue.configNotFound.message(displayPath)]
        : [catalogue.configUnreadable.code, catalogue.configUnreadable.message(displayPath, read.why)];
    return { ok: false, diagnostics: [{ code, severity: "error", message }] };
  }
  const sourceText = read.content.toString("utf8");
  const cache = options.cache;
  const key = cache?.keyFor(sourceText);
  const sourceProblems = timed("typecheck", () => checkSource(absolutePath, sourceText, displayPath, cwd, cache, key));
  if (sourceProblems.length > 0) return { ok: false, diagnostics: sourceProblems, sourceText };

  let tree: { sourceFile: SourceFile; root: Node } | undefined;
  /** The syntax tree and the default export's expression, built on first use. */
  const positions = (): { sourceFile: SourceFile; root: Node } => {
    if (!tree) {
      const sourceFile = parseForPositions(absolutePath, sourceText, options.cache?.dir);
      const root = defaultExportExpression(sourceFile) ?? sourceFile;
      tree = { sourceFile, root };
    }
    return tree;
  };

  const js = timed("strip types", () => stripTypes(sourceText, absolutePath));
  const evaluated = await withBaselineEngine(async () => {
    const engine = await timedAsync("sandbox load", () => newEngine());
    return timed("evaluate", () => evaluateModule(engine, js, absolutePath));
  });
  if (!evaluated.ok) {
    const failure = evaluated.failure;
    const at = (): SourcePosition => {
      if ("line" in failure && failure.line !== undefined) return { file: displayPath, line: failure.line, column: 1 };
      if (failure.kind === "notData") {
        const { sourceFile, root } = positions();
        return positionOf(sourceFile, (locateInSource(root, failure.path) ?? root).getStart(), displayPath);
      }
      if (failure.kind === "noDefault") return { file: displayPath, line: 1, column: 1 };
      if (failure.kind === "forbiddenImport") {
        // Where the module names it: the first quoted occurrence of the specifier.
        const quoted = [`"${failure.specifier}"`, `'${failure.specifier}'`, `\`${failure.specifier}\``]
          .map((q) => sourceText.indexOf(q))
          .filter((i) => i >= 0);
        if (quoted.length > 0) {
          const { sourceFile } = positions();
          return positionOf(sourceFile, Math.min(...quoted), displayPath);
        }
      }
      const { sourceFile, root } = positions();
      return positionOf(sourceFile, root.getStart(), displayPath);
    };
    return { ok: false, diagnostics: [{ ...diagnosticOf(failure), position: at() }], sourceText };
  }
  return {
    ok: true,
    module: {
      displayPath,
      absolutePath,
      sourceText,
      value: evaluated.value,
      locate: (path) => {
        // A passed source's findings are placed once: later runs read where from the cache.
        const known = cache && key ? cache.positionOf(key, path) : undefined;
        if (known) return { file: displayPath, ...known };
        const position = timed("position", () => {
          const { sourceFile, root } = positions();
          return positionOf(sourceFile, (locateInSource(root, path) ?? root).getStart(), displayPath);
        });
        // After a first use, so the code caches also hold what positioning compiled.
        saveCompilerCodeCache();
        if (cache && key) cache.recordPosition(key, path, position);
        return position;
      },
    },
  };
}

/** The sandbox's limits as the messages state them. */
const LIMIT_WORDS = {
  timeout: `${DEFAULT_LIMITS.timeMs / 1000} s`,
  memory: `${DEFAULT_LIMITS.memoryBytes / 1024 / 1024} MiB`,
  stack: `${DEFAULT_LIMITS.stackBytes / 1024} KiB`,
};

/** The finding for what stopped the sandbox, without its position. */
function diagnosticOf(failure: SandboxFailure): Diagnostic {
  const error = (entry: { code: string }, message: string, path?: ConfigPath): Diagnostic => ({
    code: entry.code,
    severity: "error",
    message,
    ...(path && path.length > 0 ? { path } : {}),
  });
  switch (failure.kind) {
    case "threw":
      return error(
        catalogue.evaluationFailed,
        catalogue.evaluationFailed.message(failure.name ? `${failure.name}: ${failure.message}` : failure.message),
      );
    case "timeout":
    case "memory":
    case "stack":
      return error(
        catalogue.evaluationLimit,
        catalogue.evaluationLimit.message(failure.kind, LIMIT_WORDS[failure.kind]),
      );
    case "notData":
      return error(
        catalogue.notPlainData,
        catalogue.notPlainData.message(
          failure.path.length > 0 ? formatPath(failure.path) : "the default export",
          failure.what,
        ),
        failure.path,
      );
    case "noDefault":
      return error(catalogue.noDefaultExport, catalogue.noDefaultExport.message());
    case "forbiddenImport":
      return error(catalogue.forbiddenImport, catalogue.forbiddenImport.message(failure.specifier));
  }
}

/** The source checks, or nothing when the cache knows this exact source passed them. */
function checkSource(
  absolutePath: string,
  sourceText: string,
  displayPath: string,
  cwd: string,
  cache: TypecheckCache | undefined,
  key: string | undefined,
): Diagnostic[] {
  if (cache && key && cache.passed(key)) return [];
  const compiler = loadCompiler(cache?.dir);
  const result = checkModuleSource(compiler, absolutePath, sourceText, displayPath, (file) => displayPathOf(file, cwd));
  if (cache) saveCompilerCodeCache();
  // Record a pass only when the key covered every file the check read.
  if (cache && key && result.diagnostics.length === 0 && result.typeSources.every((f) => TYPE_SOURCES.includes(f))) {
    cache.recordPass(key);
  }
  return result.diagnostics;
}
