/**
 * The result of a transaction, shaped like near-workspaces' `TransactionResult`: final status, logs,
 * failures, success values, and one outcome per receipt.
 */
import type { ExecutionOutcome, ReceiptFailure } from "../runtime/types.js";
import type { TransactionOutcomes } from "../runtime/chain.js";
import { decodeValue } from "./args.js";

const dec = new TextDecoder();

/** Error thrown by `call` / `parseResult` when the transaction failed; carries the result. */
export class TransactionFailedError extends Error {
  readonly code = "ERR_TRANSACTION_FAILED";
  constructor(readonly result: TransactionResult) {
    super(result.failureMessage ?? "Transaction failed");
    this.name = "TransactionFailedError";
  }
}

/** Outcomes of one transaction, as near-workspaces reports them. */
export class TransactionResult {
  /** The transaction's own outcome (conversion into its first receipt). */
  readonly transactionOutcome: ExecutionOutcome;
  /** One outcome per executed receipt, in execution order (function calls, transfers, refunds). */
  readonly receiptsOutcome: ExecutionOutcome[];
  readonly hash: string;
  readonly signerId: string;
  readonly receiverId: string;

  constructor(outcomes: TransactionOutcomes) {
    this.transactionOutcome = outcomes.transactionOutcome;
    this.receiptsOutcome = outcomes.receiptsOutcome;
    this.hash = outcomes.hash;
    this.signerId = outcomes.signerId;
    this.receiverId = outcomes.receiverId;
  }

  /** Every outcome: the transaction's, then the receipts'. */
  get outcomes(): ExecutionOutcome[] {
    return [this.transactionOutcome, ...this.receiptsOutcome];
  }

  /** The final status: the first receipt's, following `promise_return` chains to their end (R9). */
  get finalStatus(): ExecutionOutcome["status"] {
    let status = this.transactionOutcome.status;
    const byId = new Map(this.receiptsOutcome.map((o) => [o.id, o]));
    for (let guard = 0; guard < 10_000 && status.type === "SuccessReceiptId"; guard++) {
      const next = byId.get(status.receiptId);
      if (!next) break;
      status = next.status;
    }
    return status;
  }

  /** True when the final status is a success value. */
  get succeeded(): boolean {
    return this.finalStatus.type === "SuccessValue";
  }

  /** True when the final status is a failure. */
  get failed(): boolean {
    return this.finalStatus.type === "Failure";
  }

  /** The final failure, if any. */
  get failure(): ReceiptFailure | undefined {
    const s = this.finalStatus;
    return s.type === "Failure" ? s.failure : undefined;
  }

  /** Message of the final failure, if any. */
  get failureMessage(): string | undefined {
    return this.failure?.message;
  }

  /** Logs of every outcome, in order. */
  get logs(): string[] {
    return this.outcomes.flatMap((o) => o.logs);
  }

  /** Receipt outcomes that failed. */
  get receiptFailures(): ExecutionOutcome[] {
    return this.receiptsOutcome.filter((o) => o.status.type === "Failure");
  }

  /** nearcore-style message of every failed receipt (`Smart contract panicked: ...`, `Exceeded the prepaid gas.`). */
  get receiptFailureMessages(): string[] {
    return this.receiptFailures.map((o) => (o.status as { failure: ReceiptFailure }).failure.message);
  }

  /** Success values of the receipts, decoded as UTF-8 (empty values included, refunds excluded). */
  get receiptSuccessValues(): string[] {
    return this.receiptsOutcome
      .filter((o) => o.status.type === "SuccessValue" && o.origin !== "gas-refund" && o.origin !== "deposit-refund")
      .map((o) => dec.decode((o.status as { value: Uint8Array }).value));
  }

  /** Gas burnt by the transaction and all its receipts. */
  get gasBurnt(): bigint {
    return this.outcomes.reduce((s, o) => s + o.gasBurnt, 0n);
  }

  /**
   * yoctoNEAR the executing contracts earned as their 30 % share of the gas this transaction burnt (all
   * of them, or `accountId`'s only): what a contract's balance grows by besides deposits.
   * @example const earned = result.receiverRewards(contract.accountId);
   */
  receiverRewards(accountId?: string): bigint {
    return this.receiptsOutcome.reduce((s, o) => (accountId === undefined || o.executorId === accountId ? s + o.receiverReward : s), 0n);
  }

  /** Tokens burnt by the transaction and all its receipts. */
  get tokensBurnt(): bigint {
    return this.outcomes.reduce((s, o) => s + o.tokensBurnt, 0n);
  }

  /** The final return value as raw bytes; throws when the transaction failed. */
  get returnBytes(): Uint8Array {
    const s = this.finalStatus;
    if (s.type !== "SuccessValue") throw new TransactionFailedError(this);
    return s.value;
  }

  /** The final return value parsed as JSON (undefined for an empty value); throws when the transaction failed. */
  parseResult<T>(): T {
    return decodeValue<T>(this.returnBytes);
  }

  /** One line per outcome: block, executor, method, status. */
  summary(): string {
    const lines = [`tx ${this.hash.slice(0, 8)} ${this.signerId} → ${this.receiverId}: ${this.succeeded ? "succeeded" : this.failed ? "failed" : "pending"}`];
    for (const o of this.receiptsOutcome) {
      const what = o.methodName ?? o.origin ?? "receipt";
      const status = o.status.type === "Failure" ? `failed: ${o.status.failure.message.split("\n")[0]}` : o.status.type === "SuccessReceiptId" ? "→ promise" : "ok";
      lines.push(`  #${o.blockHeight} ${o.predecessorId} → ${o.executorId} ${what}: ${status}; gas ${o.gasBurnt}${o.logs.length ? `; logs ${JSON.stringify(o.logs)}` : ""}`);
    }
    return lines.join("\n");
  }
}
