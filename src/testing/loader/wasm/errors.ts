/** Errors of the wasm engine's build step, each with a stable code and what to do about it. */

/** The Debian packages that make a wasm toolchain when near-sdk-js's own (downloaded by its postinstall) is absent. */
export const WASM_APT_PACKAGES = ["clang-14", "lld-14", "wasi-libc", "libclang-rt-14-dev-wasm32", "build-essential"] as const;

/**
 * No toolchain can build near-sdk-js contracts to wasm here. The message names what is missing and the
 * packages to install; the engine never falls back to another engine.
 */
export class WasmToolchainError extends Error {
  readonly code = "ERR_WASM_TOOLCHAIN";
  constructor(
    /** What was looked for and not found. */
    readonly missing: string[],
  ) {
    super(
      `The wasm engine cannot build contracts: ${missing.join("; ")}. ` +
        `Install near-sdk-js's toolchain (run its postinstall with network access) or, on Debian/Ubuntu as root: ` +
        `apt-get update && apt-get install -y ${WASM_APT_PACKAGES.join(" ")}`,
    );
    this.name = "WasmToolchainError";
  }
}

/** A step of a contract's wasm build failed (qjsc, clang, the WASI stub step); carries the tool's output. */
export class WasmBuildError extends Error {
  readonly code = "ERR_WASM_BUILD";
  constructor(
    message: string,
    /** The failing tool's stderr and stdout. */
    readonly output = "",
  ) {
    super(output ? `${message}\n${output.trim()}` : message);
    this.name = "WasmBuildError";
  }
}
