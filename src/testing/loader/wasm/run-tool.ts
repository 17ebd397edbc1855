/** Runs a build tool as a child process and turns a failure into a {@link WasmBuildError} with its output. */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { WasmBuildError } from "./errors.js";

/**
 * PATH without directories that hold a `wasm-opt`, for the wasm clang only: clang ≥ 12 runs any wasm-opt it
 * finds on PATH over its output (npm's node_modules/.bin has binaryen's, Debian's binaryen puts one in
 * /usr/bin), which near-sdk-js's wasi-sdk 11 (clang 10) never did and which adds opcodes (sign extension)
 * nearcore does not accept. clang finds wasm-ld beside itself, so it needs nothing else from PATH; every other
 * tool (npm, tar, the host C compiler, which runs `as` from /usr/bin) gets PATH unchanged.
 */
export function pathWithoutWasmOpt(): string {
  return (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => dir && !existsSync(path.join(dir, "wasm-opt")))
    .join(path.delimiter);
}

/** Runs `command args` in `cwd` (`hideWasmOpt`: with {@link pathWithoutWasmOpt}, for the wasm clang); resolves with stdout, rejects with the tool's output. */
export function runTool(command: string, args: readonly string[], options: { cwd?: string; what: string; hideWasmOpt?: boolean }): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = options.hideWasmOpt ? { ...process.env, PATH: pathWithoutWasmOpt() } : process.env;
    execFile(command, [...args], { cwd: options.cwd, env, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) {
        const err = error as NodeJS.ErrnoException;
        const why = err.code === "ENOENT" ? `${command} not found` : `exit code ${String(err.code ?? (error as { status?: number }).status)}`;
        reject(new WasmBuildError(`${options.what} failed (${why}): ${command} ${args.join(" ")}`, `${stderr ?? ""}${stdout ?? ""}`));
        return;
      }
      resolve(stdout);
    });
  });
}
