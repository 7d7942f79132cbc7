/**
 * Loads a user's config module: type-checks it against homegarden's types with ts-morph, then
 * evaluates it in an isolated context. Reports problems as positioned diagnostics.
 */
import { existsSync, readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import vm from "node:vm";
import { Node, Project, ts, type SourceFile } from "ts-morph";
import * as homegardenApi from "../index.js";
import { catalogue } from "../diagnostics/catalogue.js";
import type { ConfigPath, Diagnostic, SourcePosition } from "../diagnostics/diagnostic.js";
import { packageRoot } from "../paths.js";

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

function createProject(): Project {
  return new Project({
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2022.d.ts"],
      types: [],
      skipLibCheck: true,
      noUnusedLocals: false,
      paths: { homegarden: [resolve(packageRoot, "src/index.ts")] },
    },
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: false,
  });
}

function positionOf(sourceFile: SourceFile, pos: number, displayPath: string): SourcePosition {
  const { line, column } = sourceFile.getLineAndColumnAtPos(pos);
  return { file: displayPath, line, column };
}

function typeDiagnostics(project: Project, sourceFile: SourceFile, displayPath: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of project.getPreEmitDiagnostics()) {
    if (d.getCategory() !== ts.DiagnosticCategory.Error) continue;
    const text = ts.flattenDiagnosticMessageText(d.compilerObject.messageText, "\n");
    const file = d.getSourceFile();
    const start = d.getStart();
    const position =
      file && start !== undefined
        ? positionOf(file, start, file === sourceFile ? displayPath : displayPathOf(file.getFilePath()))
        : undefined;
    out.push({
      code: catalogue.typeError.code,
      severity: "error",
      message: `TS${d.getCode()}: ${text}`,
      position,
    });
  }
  return out;
}

/** The expression the module exports by default, with `defineCluster(...)`, `as`, `satisfies` and parens peeled off. */
function defaultExportExpression(sourceFile: SourceFile): Node | undefined {
  const assignment = sourceFile.getExportAssignment((e) => !e.isExportEquals());
  if (!assignment) return undefined;
  return unwrap(assignment.getExpression());
}

function unwrap(node: Node): Node {
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

export function loadConfigModule(configPath: string, cwd = process.cwd()): LoadResult {
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
  const project = createProject();
  const sourceFile = project.addSourceFileAtPath(absolutePath);

  const importProblems: Diagnostic[] = [];
  for (const decl of sourceFile.getImportDeclarations()) {
    const spec = decl.getModuleSpecifierValue();
    if (spec !== "homegarden") {
      importProblems.push({
        code: catalogue.forbiddenImport.code,
        severity: "error",
        message: catalogue.forbiddenImport.message(spec),
        position: positionOf(sourceFile, decl.getModuleSpecifier().getStart(), displayPath),
      });
    }
  }
  if (importProblems.length > 0) return { ok: false, diagnostics: importProblems, sourceText };

  const typeProblems = typeDiagnostics(project, sourceFile, displayPath);
  if (typeProblems.length > 0) return { ok: false, diagnostics: typeProblems, sourceText };

  const root = defaultExportExpression(sourceFile);
  if (!root) {
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

  const js = ts.transpileModule(sourceText, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: absolutePath,
  }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  const requireApi = (spec: string): unknown => {
    if (spec === "homegarden") return homegardenApi;
    throw new Error(`cannot import "${spec}"`);
  };
  try {
    vm.runInNewContext(
      js,
      { module, exports: module.exports, require: requireApi },
      { filename: displayPath, timeout: 5000 },
    );
  } catch (error) {
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
        const node = locateInSource(root, path) ?? root;
        return positionOf(sourceFile, node.getStart(), displayPath);
      },
    },
  };
}
