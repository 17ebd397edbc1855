/**
 * What a near-sdk-js 2.0 contract's own code burns per call on chain, estimated for the `vm` and `quickjs`
 * engines (which run the bundle directly and cannot count wasm instructions).
 *
 * On chain most of a near-sdk-js call is wasm instructions spent before the method's first line: QuickJS
 * starts, reads the contract's bytecode and evaluates the module (every function, class and decorator of
 * the bundle, near-sdk-js's own included), then near-sdk-js reads STATE and the arguments. That part grows
 * with the size of the code, so the estimate is linear in the bundle's *code characters* (the bundle
 * without comments and whitespace, a stand-in for the bytecode QuickJS loads):
 *
 *   gas = baseGas + gasPerCodeChar × codeChars
 *
 * Both figures were fitted on the `wasm` engine (the real near-sdk-js 2.0 wasm, metered per operator like
 * nearcore, current counting rule), WASM_INSTRUCTION + CONTRACT_LOADING of a view-like call, over a
 * minimal contract and the examples (bench/README.md, "Execution gas on vm and quickjs", lists each
 * contract and the residue, within −6.3 %…+6.5 %). What the method itself does beyond that is not measured: a
 * method with heavy JavaScript burns more on chain (test it on `engine: "wasm"`, or raise it with
 * `worker.setExecutionGas`).
 */

/** A linear model of a near-sdk-js call's own gas, by the bundle's code characters. */
export interface ExecutionGasModel {
  /** Gas of a call whatever the code (QuickJS start-up, near-sdk-js's entry point). */
  baseGas: bigint;
  /** Gas per code character of the bundle (loading and evaluating the module). */
  gasPerCodeChar: bigint;
}

/**
 * near-sdk-js 2.0 on nearcore's current counting rule, fitted on the wasm engine.
 *
 * @example
 * executionGasOf(bundle, NEAR_SDK_JS_2_EXECUTION_GAS); // ≈ 5.2 Tgas for a minimal contract (33.2k code characters)
 */
export const NEAR_SDK_JS_2_EXECUTION_GAS: ExecutionGasModel = {
  baseGas: 3_130_000_000_000n,
  gasPerCodeChar: 61_000_000n,
};

/**
 * Characters of `source` outside comments and whitespace (string, template and regular expression
 * literals count whole). A linear scan; the regular-expression test is the usual heuristic (a `/` after
 * an operator, an opening bracket, a keyword or the start), which only moves the count by a few
 * characters when it guesses wrong.
 *
 * @example
 * codeChars("const a = 1; // one"); // 10
 */
export function codeChars(source: string): number {
  // `"use strip"` directives cost nothing to run (QuickJS drops the function's debug information for them).
  source = source.replace(/(["'])use strip\1;?/g, "");
  let count = 0;
  let last = ""; // the last significant character
  let word = ""; // the last identifier, to tell `return /re/` from `a / b`
  const n = source.length;
  let i = 0;
  const skipQuoted = (quote: string): void => {
    const start = i++;
    while (i < n && source[i] !== quote) i += source[i] === "\\" ? 2 : 1;
    i++;
    count += Math.min(i, n) - start;
  };
  while (i < n) {
    const c = source[i];
    if (c === " " || c === "\n" || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "/" && source[i + 1] === "/") {
      while (i < n && source[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      // Template literals count whole, substitutions included (close enough for an estimate).
      skipQuoted(c);
      last = c;
      word = "";
      continue;
    }
    if (c === "/" && (last === "" || "(,=:[!&|?{};+-*%<>~^".includes(last) || /^(return|typeof|case|do|else|in|of|void|yield|await|throw|delete|new)$/.test(word))) {
      const start = i++;
      let inClass = false;
      while (i < n && source[i] !== "\n" && (inClass || source[i] !== "/")) {
        if (source[i] === "\\") i++;
        else if (source[i] === "[") inClass = true;
        else if (source[i] === "]") inClass = false;
        i++;
      }
      i++;
      while (i < n && /[a-z]/.test(source[i])) i++;
      count += Math.min(i, n) - start;
      last = "/";
      word = "";
      continue;
    }
    if (/[A-Za-z0-9_$]/.test(c)) {
      const start = i;
      while (i < n && /[A-Za-z0-9_$]/.test(source[i])) i++;
      word = source.slice(start, i);
      count += i - start;
      last = "a";
      continue;
    }
    count++;
    last = c;
    word = "";
    i++;
  }
  return count;
}

/**
 * Estimated gas a call of the near-sdk-js bundle `source` burns in its own code (see the file's doc).
 *
 * @example
 * logic.burn(executionGasOf(code.source));
 */
export function executionGasOf(source: string, model: ExecutionGasModel = NEAR_SDK_JS_2_EXECUTION_GAS): bigint {
  return model.baseGas + model.gasPerCodeChar * BigInt(codeChars(source));
}
