/** Actions, receipts and outcomes of the local runtime: the same shapes nearcore uses, as plain data. */
import type { GasProfileEntry } from "./gas-profile.js";

export type Action =
  | { type: "CreateAccount" }
  | { type: "DeployContract"; code: Uint8Array }
  | { type: "FunctionCall"; methodName: string; args: Uint8Array; deposit: bigint; gas: bigint; weight: bigint }
  | { type: "Transfer"; deposit: bigint }
  | { type: "Stake"; stake: bigint; publicKey: Uint8Array }
  | { type: "AddKey"; publicKey: Uint8Array; nonce: bigint; permission: AccessKeyPermission }
  | { type: "DeleteKey"; publicKey: Uint8Array }
  | { type: "DeleteAccount"; beneficiaryId: string };

export type AccessKeyPermission =
  | { kind: "FullAccess" }
  | { kind: "FunctionCall"; allowance: bigint; receiverId: string; methodNames: string[] };

export interface DataReceiver {
  dataId: string;
  receiverId: string;
}

interface ReceiptBase {
  /** Deterministic receipt id (sha256 of its cause, base58). */
  id: string;
  predecessorId: string;
  receiverId: string;
  /** Hash of the transaction this receipt descends from. */
  txHash: string;
  /** Height of the block in which the receipt was created (or the transaction converted). */
  createdAt: bigint;
}

export interface ActionReceipt extends ReceiptBase {
  kind: "action";
  signerId: string;
  signerPublicKey: Uint8Array;
  gasPrice: bigint;
  actions: Action[];
  outputDataReceivers: DataReceiver[];
  inputDataIds: string[];
  /** What made this receipt: a transaction, a promise of another receipt, or a refund. */
  origin: "transaction" | "promise" | "deposit-refund" | "gas-refund" | "delete-account";
}

export interface DataReceipt extends ReceiptBase {
  kind: "data";
  dataId: string;
  /** `null` when the producing receipt failed (PromiseResult::Failed). */
  data: Uint8Array | null;
}

export type Receipt = ActionReceipt | DataReceipt;

/** A structured failure, formatted like nearcore's `TxExecutionError`. */
export interface ReceiptFailure {
  /** nearcore's error kind, e.g. `FunctionCallError`, `LackBalanceForState`, `AccountDoesNotExist`. */
  kind: string;
  /** Index of the failing action in its receipt, when an action failed. */
  index?: number;
  /** The message nearcore would show, e.g. `Smart contract panicked: ...` or `Exceeded the prepaid gas.`. */
  message: string;
}

export type ExecutionStatus =
  | { type: "SuccessValue"; value: Uint8Array }
  | { type: "SuccessReceiptId"; receiptId: string }
  | { type: "Failure"; failure: ReceiptFailure };

/** Storage host calls one receipt's function call(s) made (successful or not; view calls excluded). */
export interface StorageOpCounts {
  /** `storage_read` calls. */
  reads: number;
  /** `storage_write` calls. */
  writes: number;
  /** `storage_remove` calls. */
  removes: number;
  /** `storage_has_key` calls. */
  hasKeys: number;
}

/** What happened when one receipt (or the transaction itself) was executed. */
export interface ExecutionOutcome {
  /** Receipt id (or transaction hash for the transaction's own outcome). */
  id: string;
  /** The account that executed it. */
  executorId: string;
  predecessorId: string;
  /** The method, for a function call receipt. */
  methodName?: string;
  kind: "transaction" | "action" | "data";
  origin?: ActionReceipt["origin"];
  status: ExecutionStatus;
  logs: string[];
  /** Receipts this execution created (action receipts only, as nearcore reports). */
  receiptIds: string[];
  gasBurnt: bigint;
  /** gasBurnt × gas price, as nearcore reports it (the receiver's reward not deducted). */
  tokensBurnt: bigint;
  /**
   * yoctoNEAR the executor received as its 30 % share of the gas its function calls burnt (nearcore's
   * burnt_gas_reward). Not a field of nearcore's outcome: the local runtime reports it so tests can
   * account for it.
   */
  receiverReward: bigint;
  /** Storage host calls of the receipt's function calls (absent when it ran no function call). Not part of nearcore's outcome. */
  storageOps?: StorageOpCounts;
  /**
   * Gas by cost, as nearcore's `metadata.gas_profile` (absent for refunds and the transaction's own outcome):
   * the exec fees of the receipt's actions, and for function calls contract loading, `WASM_INSTRUCTION`, host
   * costs and the send fees of the receipts they created. Its entries add up to `gasBurnt` (the gas reserved for
   * those receipts' execution is used, not burnt, and is not in it). See `runtime/gas-profile.ts`.
   */
  gasProfile?: GasProfileEntry[];
  /**
   * Gas given back to the signer by this receipt: its prepaid gas (the gas attached to its function calls
   * plus their exec fees) minus the gas it used (burnt, and attached to the receipts it created); absent for
   * refunds and the transaction's own outcome. nearcore reports it only as the amount of a gas-refund
   * receipt; the local runtime puts it here too, so a test can read how much of a callback's static gas was
   * left (the headroom of a reserve). Not part of nearcore's outcome.
   */
  gasRefunded?: bigint;
  blockHeight: bigint;
  /** Transaction hash this outcome belongs to. */
  txHash: string;
}
