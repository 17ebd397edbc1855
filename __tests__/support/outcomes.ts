/**
 * Reading transactions in tests: the guards' NEP-297 events, their storage namespace, gas paid and gas
 * rewards earned, and panic messages. Shared by the guard and example suites.
 */
import type { Account, TransactionResult } from "../../src/testing/index.js";

/** One NEP-297 event from a log line. */
export interface LoggedEvent {
  standard: string;
  event: string;
  data: Record<string, unknown>;
}

/** The guards' event standard and the version their events carry. */
export const GUARD_EVENTS = { standard: "nep297-callback-guards", version: "1.2.0" } as const;

/**
 * NEP-297 events in a transaction's logs (or a list of logs), one kind only when `name` is given: the
 * guards' by default (whose version must then be GUARD_EVENTS.version), or another standard's.
 */
export function events(r: TransactionResult | string[], name?: string, standard: string = GUARD_EVENTS.standard): LoggedEvent[] {
  const logs = Array.isArray(r) ? r : r.logs;
  const out: LoggedEvent[] = [];
  for (const line of logs) {
    if (!line.startsWith("EVENT_JSON:")) continue;
    const e = JSON.parse(line.slice("EVENT_JSON:".length));
    if (e.standard !== standard) continue;
    if (standard === GUARD_EVENTS.standard && e.version !== GUARD_EVENTS.version) continue;
    if (!name || e.event === name) out.push({ standard: e.standard, event: e.event, data: e.data[0] });
  }
  return out;
}

/** Storage keys of the guards' namespace (latin1, starting with the byte 0xFF): empty when nothing is in flight. */
export async function guardKeys(account: Account): Promise<string[]> {
  return (await account.viewState()).keys().filter((k) => k.startsWith("\u00ff"));
}

/** Gas rewards `accountId` earned from the receipts of `results` (30 % of the gas its calls burnt). */
export function rewards(results: TransactionResult[], accountId: string, _gasPrice?: bigint): bigint {
  return results.reduce((total, r) => total + r.receiverRewards(accountId), 0n);
}

/** Everything the signers paid for gas in these transactions. */
export function gasPaid(results: TransactionResult[], gasPrice: bigint): bigint {
  return results.reduce((s, r) => s + r.gasBurnt, 0n) * gasPrice;
}

/** First panic message of a failed transaction, without the stack. */
export function panicOf(r: TransactionResult): string {
  return (r.receiptFailureMessages[0] ?? "").split("\n")[0];
}
