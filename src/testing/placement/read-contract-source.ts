/** Reads a contract source file for the placement check, with a named error for a path that is not a readable file. */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";

/**
 * Thrown by `checkGuardPlacement(path)` and `near-callback-guards check` for a path that is not a readable file.
 * @example checkGuardPlacement("src/missing.ts"); // throws ContractSourceNotFoundError (ERR_CONTRACT_SOURCE_NOT_FOUND)
 */
export class ContractSourceNotFoundError extends Error {
  readonly code = "ERR_CONTRACT_SOURCE_NOT_FOUND";
  constructor(readonly file: string, reason: string) {
    super(`Cannot check ${file}: ${reason}. Pass the path of a contract source file (.ts or .js), or checkGuardPlacement(sourceText, fileName).`);
    this.name = "ContractSourceNotFoundError";
  }
}

/**
 * The text of a contract source file.
 * @example const text = readContractSource("src/contract.ts");
 */
export function readContractSource(file: string): string {
  if (typeof file !== "string" || file.length === 0) throw new ContractSourceNotFoundError(String(file), "not a path");
  let isFile = false;
  try {
    isFile = statSync(path.resolve(file)).isFile();
  } catch {
    throw new ContractSourceNotFoundError(file, "no such file");
  }
  if (!isFile) throw new ContractSourceNotFoundError(file, "not a file");
  return readFileSync(path.resolve(file), "utf8");
}
