/**
 * Errors that abort a function call, as nearcore's VM reports them. Contract code cannot catch them in
 * effect (R14): the logic remembers the first abort and the call fails whatever the contract does next.
 */
export type AbortKind =
  | "GuestPanic"
  | "GasExceeded"
  | "GasLimitExceeded"
  | "HostError"
  | "ProhibitedInView"
  | "MethodNotFound"
  | "MethodEmptyName"
  | "CodeDoesNotExist"
  | "NewReceiptValidationError"
  | "WasmTrap"
  | "CompilationError"
  | "LinkError";

/** Thrown inside the contract when the call must abort; caught by the runtime, never by design by the contract. */
export class HostAbort extends Error {
  constructor(
    readonly kind: AbortKind,
    message: string,
  ) {
    super(message);
    this.name = "HostAbort";
  }
}

/** nearcore's wording for each kind, as `receiptFailureMessages` shows it. */
export function abortMessage(kind: AbortKind, detail: string): string {
  switch (kind) {
    case "GuestPanic":
      return `Smart contract panicked: ${detail}`;
    case "GasExceeded":
      return "Exceeded the prepaid gas.";
    case "GasLimitExceeded":
      return "Exceeded the maximum amount of gas allowed to burn per contract.";
    case "ProhibitedInView":
      return `ProhibitedInView { method_name: "${detail}" }`;
    case "MethodNotFound":
      return `MethodResolveError(${detail || "MethodNotFound"})`;
    case "MethodEmptyName":
      return "MethodResolveError(MethodEmptyName)";
    case "CompilationError":
      return `CompilationError(${detail})`;
    case "LinkError":
      return `LinkError { msg: ${JSON.stringify(detail)} }`;
    case "CodeDoesNotExist":
      return `CompilationError(CodeDoesNotExist { account_id: "${detail}" })`;
    default:
      return detail;
  }
}
