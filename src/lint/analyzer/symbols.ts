/**
 * What a top-level name of a file stands for: an export of near-sdk-js (`near`, `NearPromise`, `call`, ...),
 * an export of near-callback-guards (`startGuardedCall`, `privateCallback`, `TGAS`, ...), or a declaration
 * (function, class, variable) of this file or of a sibling file it imports, following aliases
 * (`import { near as env }`), namespace imports (`import * as sdk`), default imports and re-exports.
 */
import ts from "typescript";
import type { ParsedFile, Project } from "./project.js";

/** One imported name. */
interface ImportBinding {
  module: string;
  /** Exported name, `*` for a namespace import, `default` for a default import. */
  imported: string;
}

/** A declaration a name can stand for. */
export type Declaration = ts.FunctionDeclaration | ts.ClassDeclaration | ts.VariableDeclaration;

/** What a name stands for. */
export type Binding =
  /** An export of near-sdk-js; `name` is `*` for the whole module. */
  | { kind: "sdk"; name: string }
  /** An export of near-callback-guards; `name` is `*` for the whole module. */
  | { kind: "ncg"; name: string }
  /** A declaration in `file`. */
  | { kind: "decl"; file: ParsedFile; node: Declaration }
  /** An export of another package (not followed). */
  | { kind: "package"; module: string; name: string };

/** The names declared, imported and exported by one file. */
export interface ModuleScope {
  file: ParsedFile;
  imports: Map<string, ImportBinding>;
  decls: Map<string, Declaration>;
  /** Exported name → local name, or a re-export. */
  exports: Map<string, { local: string } | { from: string; name: string }>;
  /** Specifiers of `export * from "..."`. */
  starExports: string[];
}

/** Names near-callback-guards exports that the analyzer understands. */
const NCG_NAMES = new Set([
  "privateCallback",
  "withRefundOnFailure",
  "deferCredit",
  "pendingLock",
  "startGuardedCall",
  "assertPrivateCallback",
  "readPromiseOutcomes",
  "TGAS",
  "REFUND_GAS",
  "refundReserveGas",
  "assertNotLocked",
  "assertAvailable",
]);

/** True for specifiers of near-callback-guards itself. */
export function isNcgSpecifier(specifier: string): boolean {
  return specifier === "near-callback-guards" || specifier.startsWith("near-callback-guards/");
}

/** True when a resolved relative import points into this library's own sources (its tests and examples do that). */
function isLibrarySource(file: string): boolean {
  return /[\\/]src[\\/](index\.[cm]?[jt]s|guards[\\/]|core[\\/])/.test(file);
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

const scopes = new WeakMap<ts.SourceFile, ModuleScope>();

/**
 * The module scope of a file (cached per parsed file).
 *
 * @example
 * const scope = moduleScope(project.get(file)!);
 */
export function moduleScope(file: ParsedFile): ModuleScope {
  const cached = scopes.get(file.sf);
  if (cached) return cached;
  const scope: ModuleScope = { file, imports: new Map(), decls: new Map(), exports: new Map(), starExports: [] };
  for (const stmt of file.sf.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier) && stmt.importClause) {
      const module = stmt.moduleSpecifier.text;
      const clause = stmt.importClause;
      if (clause.name) scope.imports.set(clause.name.text, { module, imported: "default" });
      const b = clause.namedBindings;
      if (b && ts.isNamespaceImport(b)) scope.imports.set(b.name.text, { module, imported: "*" });
      else if (b) for (const el of b.elements) scope.imports.set(el.name.text, { module, imported: (el.propertyName ?? el.name).text });
      continue;
    }
    const exported = hasModifier(stmt, ts.SyntaxKind.ExportKeyword);
    const isDefault = hasModifier(stmt, ts.SyntaxKind.DefaultKeyword);
    if ((ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt)) && stmt.name) {
      scope.decls.set(stmt.name.text, stmt);
      if (exported) scope.exports.set(isDefault ? "default" : stmt.name.text, { local: stmt.name.text });
      continue;
    }
    if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) {
          scope.decls.set(d.name.text, d);
          if (exported) scope.exports.set(d.name.text, { local: d.name.text });
        }
      }
      continue;
    }
    if (ts.isExportDeclaration(stmt)) {
      const from = stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier) ? stmt.moduleSpecifier.text : undefined;
      if (!stmt.exportClause) {
        if (from) scope.starExports.push(from);
      } else if (ts.isNamedExports(stmt.exportClause)) {
        for (const el of stmt.exportClause.elements) {
          const local = (el.propertyName ?? el.name).text;
          scope.exports.set(el.name.text, from ? { from, name: local } : { local });
        }
      }
      continue;
    }
    if (ts.isExportAssignment(stmt) && ts.isIdentifier(stmt.expression)) scope.exports.set("default", { local: stmt.expression.text });
  }
  scopes.set(file.sf, scope);
  return scope;
}

/**
 * What the top-level name `name` of `file` stands for, or undefined (a global, or unresolvable).
 *
 * @example
 * resolveName(project, file, "near"); // { kind: "sdk", name: "near" } after `import { near } from "near-sdk-js"`
 */
export function resolveName(project: Project, file: ParsedFile, name: string, depth = 0): Binding | undefined {
  if (depth > 16) return undefined;
  const scope = moduleScope(file);
  const decl = scope.decls.get(name);
  if (decl) return { kind: "decl", file, node: decl };
  const imp = scope.imports.get(name);
  if (!imp) return undefined;
  return resolveImport(project, file, imp.module, imp.imported, depth + 1);
}

function resolveImport(project: Project, file: ParsedFile, module: string, imported: string, depth: number): Binding | undefined {
  if (module === "near-sdk-js") return { kind: "sdk", name: imported === "default" ? "*" : imported };
  if (isNcgSpecifier(module)) return { kind: "ncg", name: imported === "default" ? "*" : imported };
  const target = project.resolve(file.path, module);
  if (target === undefined) return module.startsWith(".") ? undefined : { kind: "package", module, name: imported };
  if (isLibrarySource(target) && (imported === "*" || NCG_NAMES.has(imported))) return { kind: "ncg", name: imported };
  const parsed = project.get(target);
  if (!parsed) return undefined;
  if (imported === "*") return { kind: "package", module: target, name: "*" };
  return resolveExport(project, parsed, imported, depth + 1);
}

/**
 * What the export `name` of `file` stands for, following re-exports and `export *`.
 *
 * @example
 * resolveExport(project, helpersFile, "credit"); // { kind: "decl", node: <function credit> }
 */
export function resolveExport(project: Project, file: ParsedFile, name: string, depth = 0): Binding | undefined {
  if (depth > 16) return undefined;
  const scope = moduleScope(file);
  const e = scope.exports.get(name);
  if (e && "local" in e) return resolveName(project, file, e.local, depth + 1);
  if (e && "from" in e) return resolveImport(project, file, e.from, e.name, depth + 1);
  for (const from of scope.starExports) {
    const r = resolveImport(project, file, from, name, depth + 1);
    if (r) return r;
  }
  return undefined;
}

/** A namespace-import binding (`import * as sdk from "near-sdk-js"`) of a package the analyzer knows. */
export function isNamespace(b: Binding | undefined): b is { kind: "sdk" | "ncg"; name: "*" } {
  return !!b && (b.kind === "sdk" || b.kind === "ncg") && b.name === "*";
}
