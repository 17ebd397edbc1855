/**
 * The files of one analysis: parsed once (TypeScript's parser, for .ts and .js alike), cached by content,
 * and relative imports resolved to sibling files the way TypeScript's "bundler" resolution does
 * (`./x`, `./x.js` → `./x.ts`, `./dir` → `./dir/index.ts`). Package imports are never followed: only
 * `near-sdk-js` and `near-callback-guards` are known, by name (see symbols.ts).
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** A parsed file. */
export interface ParsedFile {
  /** Absolute path. */
  path: string;
  text: string;
  sf: ts.SourceFile;
}

/** Options of a Project. */
export interface ProjectOptions {
  /** Texts that override what is on disk (the ESLint face passes the text of the file it lints). */
  overrides?: ReadonlyMap<string, string>;
}

const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

/** Script kind from a file name. */
export function scriptKindOf(file: string): ts.ScriptKind {
  if (/\.[cm]?jsx?$/.test(file)) return /x$/.test(file) ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
  return /\.tsx$/.test(file) ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
}

/** Parse cache shared by every Project of the process, keyed by path and text. */
const parseCache = new Map<string, ParsedFile>();
const PARSE_CACHE_LIMIT = 500;

/**
 * Parses `text` as the file `file` (cached).
 *
 * @example
 * const f = parseText("/abs/contract.ts", source);
 */
export function parseText(file: string, text: string): ParsedFile {
  const key = file + "\u0000" + text;
  const hit = parseCache.get(key);
  if (hit) return hit;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKindOf(file));
  const parsed = { path: file, text, sf };
  if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.delete(parseCache.keys().next().value as string);
  parseCache.set(key, parsed);
  return parsed;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Empties the parse cache (benchmarks measure parsing too).
 *
 * @example
 * clearParseCache();
 */
export function clearParseCache(): void {
  parseCache.clear();
}

/** The files one analysis reads. */
export class Project {
  private readonly files = new Map<string, ParsedFile | null>();
  private readonly overrides: ReadonlyMap<string, string>;

  constructor(options: ProjectOptions = {}) {
    const o = new Map<string, string>();
    for (const [k, v] of options.overrides ?? []) o.set(path.resolve(k), v);
    this.overrides = o;
  }

  /** The parsed file at `file` (absolute or relative to the working directory), or undefined if unreadable. */
  get(file: string): ParsedFile | undefined {
    const abs = path.resolve(file);
    if (this.files.has(abs)) return this.files.get(abs) ?? undefined;
    let text = this.overrides.get(abs);
    if (text === undefined) {
      try {
        text = readFileSync(abs, "utf8");
      } catch {
        this.files.set(abs, null);
        return undefined;
      }
    }
    const parsed = parseText(abs, text);
    this.files.set(abs, parsed);
    return parsed;
  }

  /** Every file read so far. */
  loaded(): ParsedFile[] {
    return [...this.files.values()].filter((f): f is ParsedFile => f !== null);
  }

  /**
   * The file a relative import of `from` names, or undefined for package imports and missing files.
   *
   * @example
   * project.resolve("/c/contract.ts", "./helpers.js"); // "/c/helpers.ts" when that exists
   */
  resolve(from: string, specifier: string): string | undefined {
    if (!specifier.startsWith(".") && !path.isAbsolute(specifier)) return undefined;
    const base = path.resolve(path.dirname(from), specifier);
    const candidates: string[] = [];
    const ext = path.extname(base);
    if (ext) {
      candidates.push(base);
      const stem = base.slice(0, -ext.length);
      if (ext === ".js" || ext === ".jsx") candidates.push(stem + ".ts", stem + ".tsx");
      if (ext === ".mjs") candidates.push(stem + ".mts");
      if (ext === ".cjs") candidates.push(stem + ".cts");
    }
    for (const e of EXTENSIONS) candidates.push(base + e);
    for (const e of EXTENSIONS) candidates.push(path.join(base, "index" + e));
    for (const c of candidates) if (this.overrides.has(c) || isFile(c)) return c;
    return undefined;
  }
}
