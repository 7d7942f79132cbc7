/**
 * The source checks a config module must pass before it is evaluated: it imports only "homegarden",
 * it type-checks against homegarden's types, and it has a default export. Uses the compiler API of
 * ts-morph's TypeScript directly (a program of the config, homegarden's public types and a small lib
 * set, whose files come from ts-morph's embedded copies).
 */
import { posix, resolve } from "node:path";
import { catalogue } from "../diagnostics/catalogue.js";
import type { Diagnostic, SourcePosition } from "../diagnostics/diagnostic.js";
import { packageRoot } from "../paths.js";
import type { ts as TypeScript } from "ts-morph";
import type { Compiler, TS } from "./compiler.js";

/**
 * Compiler options in tsconfig form; part of the type-check cache key. The lib set is ES5 plus the
 * later additions a config plausibly uses (Array.from, includes, flatMap, at, Object.entries and
 * fromEntries, padStart, replaceAll, Map and Set): the full ES2022 lib costs twice the time to load.
 */
export const CHECK_COMPILER_OPTIONS = {
  strict: true,
  noEmit: true,
  target: "es2022",
  module: "esnext",
  moduleResolution: "bundler",
  lib: [
    "es5",
    "es2015.core",
    "es2015.collection",
    "es2015.iterable",
    "es2016.array.include",
    "es2017.object",
    "es2017.string",
    "es2019.array",
    "es2019.object",
    "es2021.string",
    "es2022.array",
  ],
  types: [],
  skipLibCheck: true,
} as const;

/** The files besides the config that a type-check reads (homegarden's public API); part of the cache key. */
export const TYPE_SOURCES = ["src/index.ts", "src/config/define.ts", "src/config/types.ts"].map((p) =>
  resolve(packageRoot, p),
);

export interface SourceCheck {
  diagnostics: Diagnostic[];
  /** Every file the program read besides the config and the lib files (to confirm the cache key covers them). */
  typeSources: string[];
}

function positionIn(ts: TS, file: TypeScript.SourceFile, pos: number, displayPath: string): SourcePosition {
  const { line, character } = ts.getLineAndCharacterOfPosition(file, pos);
  return { file: displayPath, line: line + 1, column: character + 1 };
}

export function checkModuleSource(
  compiler: Compiler,
  absolutePath: string,
  sourceText: string,
  displayPath: string,
  displayPathOf: (absolutePath: string) => string,
): SourceCheck {
  const { ts, libFolder, libFiles } = compiler;
  const { options } = ts.convertCompilerOptionsFromJson(CHECK_COMPILER_OPTIONS, packageRoot);
  options.paths = { homegarden: [resolve(packageRoot, "src/index.ts")] };
  // No parent pointers while parsing (the binder sets them) and no JSDoc parsed that cannot give a
  // type error in a .ts file (what tsc does since 5.3): the lib files are mostly doc comments, and
  // parsing them was most of a cold check. Neither changes a diagnostic.
  const host = ts.createCompilerHost(options, false);
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
  const readSourceFile = host.getSourceFile.bind(host);
  const configFile = ts.createSourceFile(absolutePath, sourceText, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  // The lib files are ts-morph's embedded copies, in a folder that exists only here.
  const libText = (fileName: string): string | undefined =>
    posix.dirname(fileName) === libFolder ? libFiles.get(posix.basename(fileName)) : undefined;
  host.getDefaultLibLocation = () => libFolder;
  host.getDefaultLibFileName = (o) => posix.join(libFolder, ts.getDefaultLibFileName(o));
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.fileExists = (fileName) => libText(fileName) !== undefined || fileExists(fileName);
  host.readFile = (fileName) => libText(fileName) ?? readFile(fileName);
  // The config is checked exactly as read once (and hashed for the cache), not re-read from disk.
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (resolve(fileName) === absolutePath) return configFile;
    const lib = libText(fileName);
    if (lib !== undefined) return ts.createSourceFile(fileName, lib, languageVersion);
    return readSourceFile(fileName, languageVersion, onError, shouldCreate);
  };

  const importProblems: Diagnostic[] = [];
  for (const statement of configFile.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const spec = statement.moduleSpecifier.text;
    if (spec !== "homegarden") {
      importProblems.push({
        code: catalogue.forbiddenImport.code,
        severity: "error",
        message: catalogue.forbiddenImport.message(spec),
        position: positionIn(ts, configFile, statement.moduleSpecifier.getStart(configFile), displayPath),
      });
    }
  }
  if (importProblems.length > 0) return { diagnostics: importProblems, typeSources: [] };

  const program = ts.createProgram({ rootNames: [absolutePath], options, host });
  const typeProblems: Diagnostic[] = [];
  // The config's own diagnostics (with the program's global ones): homegarden's type sources are
  // checked when homegarden is built, and skipLibCheck leaves the lib files out in any case.
  for (const d of ts.getPreEmitDiagnostics(program, configFile)) {
    if (d.category !== ts.DiagnosticCategory.Error) continue;
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    const position =
      d.file && d.start !== undefined
        ? positionIn(ts, d.file, d.start, d.file === configFile ? displayPath : displayPathOf(d.file.fileName))
        : undefined;
    typeProblems.push({ code: catalogue.typeError.code, severity: "error", message: `TS${d.code}: ${text}`, position });
  }
  const typeSources = program
    .getSourceFiles()
    .filter((f) => f !== configFile && !program.isSourceFileDefaultLibrary(f))
    .map((f) => resolve(f.fileName));
  if (typeProblems.length > 0) return { diagnostics: typeProblems, typeSources };

  const hasDefaultExport = configFile.statements.some((s) => ts.isExportAssignment(s) && !s.isExportEquals);
  if (!hasDefaultExport) {
    return {
      diagnostics: [
        {
          code: catalogue.noDefaultExport.code,
          severity: "error",
          message: catalogue.noDefaultExport.message(),
          position: { file: displayPath, line: 1, column: 1 },
        },
      ],
      typeSources,
    };
  }
  return { diagnostics: [], typeSources };
}
