/**
 * Loads a user's config module: checks its source (imports, types against homegarden's types, a
 * default export; skipped when the type-check cache knows this exact source passed), then evaluates
 * it in an isolated context. Reports problems as positioned diagnostics. The compiler and ts-morph
 * are loaded only when needed: a cached, valid config never loads either.
 */
import { existsSync, readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import vm from "node:vm";
import type * as TsMorph from "ts-morph";
import type { Node, SourceFile } from "ts-morph";
import * as homegardenApi from "../index.js";
import { catalogue } from "../diagnostics/catalogue.js";
import type { ConfigPath, Diagnostic, SourcePosition } from "../diagnostics/diagnostic.js";
import { timed } from "../timings.js";
import { stripTypes } from "./strip-types.js";
import { checkModuleSource, TYPE_SOURCES } from "./typecheck.js";
import type { TypecheckCache } from "./typecheck-cache.js";
import { loadTsMorph, saveTsMorphCodeCache } from "./ts-morph.js";
import { loadTypeScript, saveTypeScriptCodeCache } from "./typescript.js";

/** ts-morph, loaded on first use (see ts-morph.ts): only positioning a finding in the config needs its syntax tree. */
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

export function loadConfigModule(configPath: string, cwd = process.cwd(), options: LoadOptions = {}): LoadResult {
  const absolutePath = resolve(cwd, configPath);
  const displayPath = displayPathOf(absolutePath, cwd);
  if (!existsSync(absolutePath)) {
    return {
      ok: false,
      diagnostics: [
        {
          code: catalogue.configNotFound.code,
          severity: "error",
          message: catalogue.configNotFound.message(displayPath),
        },
      ],
    };
  }
  const sourceText = readFileSync(absolutePath, "utf8");
  const sourceProblems = timed("typecheck", () =>
    checkSource(absolutePath, sourceText, displayPath, cwd, options.cache),
  );
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

  const module = { exports: {} as Record<string, unknown> };
  const requireApi = (spec: string): unknown => {
    if (spec === "homegarden") return homegardenApi;
    throw new Error(`cannot import "${spec}"`);
  };
  try {
    timed("evaluate", () => {
      const js = stripTypes(sourceText, absolutePath);
      vm.runInNewContext(
        js,
        { module, exports: module.exports, require: requireApi },
        { filename: displayPath, timeout: 5000 },
      );
    });
  } catch (error) {
    const { sourceFile, root } = positions();
    return {
      ok: false,
      diagnostics: [
        {
          code: catalogue.evaluationFailed.code,
          severity: "error",
          message: catalogue.evaluationFailed.message(error instanceof Error ? error.message : String(error)),
          position: positionOf(sourceFile, root.getStart(), displayPath),
        },
      ],
      sourceText,
    };
  }
  const value = module.exports.default;
  if (value === undefined) {
    return {
      ok: false,
      diagnostics: [
        {
          code: catalogue.noDefaultExport.code,
          severity: "error",
          message: catalogue.noDefaultExport.message(),
          position: { file: displayPath, line: 1, column: 1 },
        },
      ],
      sourceText,
    };
  }
  return {
    ok: true,
    module: {
      displayPath,
      absolutePath,
      sourceText,
      // A deep copy through JSON: drops functions and prototypes from the other context.
      value: JSON.parse(JSON.stringify(value)) as unknown,
      locate: (path) => {
        const { sourceFile, root } = positions();
        const node = locateInSource(root, path) ?? root;
        const position = positionOf(sourceFile, node.getStart(), displayPath);
        // After a first use, so the code caches also hold what positioning compiled.
        saveTsMorphCodeCache();
        return position;
      },
    },
  };
}

/** The source checks, or nothing when the cache knows this exact source passed them. */
function checkSource(
  absolutePath: string,
  sourceText: string,
  displayPath: string,
  cwd: string,
  cache: TypecheckCache | undefined,
): Diagnostic[] {
  const key = cache?.keyFor(sourceText);
  if (cache && key && cache.passed(key)) return [];
  const ts = loadTypeScript(cache?.dir);
  const result = checkModuleSource(ts, absolutePath, sourceText, displayPath, (file) => displayPathOf(file, cwd));
  if (cache) saveTypeScriptCodeCache();
  // Record a pass only when the key covered every file the check read.
  if (cache && key && result.diagnostics.length === 0 && result.typeSources.every((f) => TYPE_SOURCES.includes(f))) {
    cache.recordPass(key);
  }
  return result.diagnostics;
}
