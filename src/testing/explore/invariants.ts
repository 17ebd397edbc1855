/**
 * Invariants: the built-in ones (money conserved, nothing left postponed, no lock held, no storage left
 * behind, nobody richer than at the start, no contract poorer than its books) and the plumbing that turns
 * predicates into verdicts.
 */
import type { Invariant, InvariantContext, InvariantLike, InvariantVerdict, StateReader } from "./types.js";

/** yoctoNEAR as a signed NEAR amount with 6 decimals, e.g. `+9.997090 NEAR`. */
export function formatYocto(yocto: bigint, sign = false): string {
  const neg = yocto < 0n;
  const abs = neg ? -yocto : yocto;
  const whole = abs / 10n ** 24n;
  const frac = (abs % 10n ** 24n).toString().padStart(24, "0").slice(0, 6);
  return `${neg ? "-" : sign ? "+" : ""}${whole}.${frac} NEAR`;
}

/** Builds an invariant from a predicate. */
export function invariant(name: string, check: Invariant["check"], when: "end" | "always" = "end"): Invariant {
  return { name, check, when };
}

/**
 * Σ balances + tokens burnt + value carried by receipts in flight never changes: no schedule creates or
 * destroys NEAR. Checked after every block.
 */
export function conservation(): Invariant {
  return {
    name: "conservation",
    when: "always",
    check(ctx) {
      const { chain } = ctx;
      const balances = chain.totalBalances();
      const now = balances + chain.burntYocto + chain.inFlightValue();
      if (now === ctx.startTotal) return true;
      return `total NEAR changed by ${now - ctx.startTotal} yocto (balances ${balances}, burnt ${chain.burntYocto}, in flight ${chain.inFlightValue()}, at the start ${ctx.startTotal})`;
    },
  };
}

/** Once the chain is idle no callback is still waiting for data. */
export function noPendingCallbacks(): Invariant {
  return {
    name: "no-postponed-receipts",
    check(ctx) {
      const left = ctx.chain.postponedReceipts();
      if (left.length === 0) return true;
      return `${left.length} receipt(s) still postponed: ${left.map((r) => `${r.receiverId}.${methodOf(r.actions)}`).join(", ")}`;
    },
  };
}

/** Where a contract exposes the locks it holds. */
export interface LocksView {
  /** Name from `setup`, or an account id. */
  contract: string;
  /** View method returning the locks held: empty array, empty object, null, 0, "" or false means none. */
  view: string;
  args?: unknown;
}

/**
 * No lock is held at the end: no callback is left postponed, and the contract's locks view is empty (or
 * the predicate holds).
 */
export function noLocksHeld(locks?: LocksView | Invariant["check"]): Invariant {
  return {
    name: "no-locks-held",
    async check(ctx) {
      const pending = ctx.chain.postponedReceipts();
      if (pending.length > 0) return `${pending.length} callback(s) still postponed, so their locks can't be released`;
      if (!locks) return true;
      if (typeof locks === "function") return locks(ctx);
      const held = ctx.view(locks.contract, locks.view, locks.args ?? {});
      return isEmpty(held) ? true : `${locks.contract}.${locks.view}() still reports locks: ${JSON.stringify(held)}`;
    },
  };
}

/** Where settled operations keep their records. */
export interface StoragePrefix {
  /** Name from `setup`, or an account id. */
  contract: string;
  /** Raw storage key prefix (latin1), e.g. `op:`. */
  prefix: string;
}

/** Every record under the prefix is gone at the end: settled operations leave no storage behind. */
export function noLeftoverStorage(...prefixes: StoragePrefix[]): Invariant {
  return {
    name: "no-leftover-storage",
    check(ctx) {
      const left: string[] = [];
      for (const p of prefixes) for (const k of ctx.storageKeys(p.contract, p.prefix)) left.push(`${p.contract}:${JSON.stringify(k)}`);
      return left.length === 0 ? true : `storage left after settlement: ${left.join(", ")}`;
    },
  };
}

/**
 * None of these accounts ends with more NEAR than it started with. Honest users pay gas, so they end with
 * less; one that ends with more was paid twice.
 */
export function noNetGain(...names: string[]): Invariant {
  return {
    name: "no-net-gain",
    check(ctx) {
      const gains = names.map((n) => [n, ctx.balance(n) - ctx.startBalance(n)] as const).filter(([, d]) => d > 0n);
      if (gains.length === 0) return true;
      return gains.map(([n, d]) => `${n} ended with ${formatYocto(d, true)} more than at the start`).join("; ");
    },
  };
}

/** How to read a contract's books, in the state at the end of a schedule and in the state it started from. */
export interface ContractBooks {
  /** Name from `setup`, or an account id. */
  contract: string;
  /**
   * What the contract's books owe others, yoctoNEAR: credited balances, claimable refunds, proceeds. Read
   * with `state.view`; called on the end state and on the start state.
   */
  owed(state: StateReader): bigint;
  /** What the contract owns outside its own balance, e.g. its stake at a validator (`state.view` on the validator). Default 0. */
  held?(state: StateReader): bigint;
}

/**
 * No flow costs the contract more than gas: at the end of every schedule the contract has at least what
 * it started with, plus whatever its books now owe on top of what they owed at the start:
 *
 *   balance(end) − gas rewards earned in the schedule + held(end)  ≥  balance(start) + held(start) + owed(end) − owed(start)
 *
 * The contract's gas rewards (30 % of the gas its receipts burnt) are taken out first, so they cannot
 * hide a loss; gas is paid by the signers, so an honest contract loses nothing at all. A contract that
 * refunds a deposit the callee kept, credits twice, or pays out what its books did not owe violates it.
 *
 * @example
 * noContractLoss({
 *   contract: "staking",
 *   owed: (s) => BigInt(s.view<string>("staking", "get_balance", { account_id: s.id("alice") })),
 *   held: (s) => BigInt(s.view<string>("validator", "get_staked", { account_id: s.id("staking") })),
 * })
 */
export function noContractLoss(books: ContractBooks): Invariant {
  return {
    name: "no-contract-loss",
    async check(ctx) {
      const start = await ctx.atStart();
      const id = ctx.id(books.contract);
      let rewards = 0n;
      for (const tx of ctx.txs) rewards += tx.result()?.receiverRewards(id) ?? 0n;
      const held = books.held ?? (() => 0n);
      const assetsNow = ctx.balance(books.contract) - rewards + held(ctx);
      const assetsBefore = start.balance(books.contract) + held(start);
      const owedNow = books.owed(ctx);
      const owedBefore = books.owed(start);
      const shortfall = assetsBefore + (owedNow - owedBefore) - assetsNow;
      if (shortfall <= 0n) return true;
      return `${books.contract} lost ${formatYocto(shortfall)} beyond gas: its assets went ${formatYocto(assetsNow - assetsBefore, true)} (gas rewards of ${formatYocto(rewards)} left out) while what its books owe went ${formatYocto(owedNow - owedBefore, true)}`;
    },
  };
}

/** The default invariants every scenario gets unless it opts out. */
export function defaultInvariants(): Invariant[] {
  return [conservation(), noPendingCallbacks()];
}

/** Turns bare predicates into invariants and checks names are unique. */
export function normalizeInvariants(list: readonly InvariantLike[], withDefaults: boolean): Invariant[] {
  const out: Invariant[] = withDefaults ? defaultInvariants() : [];
  list.forEach((item, i) => {
    if (typeof item === "function") out.push({ name: item.name || `invariant #${i + 1}`, check: item, when: "end" });
    else if (item && typeof item.check === "function" && typeof item.name === "string") out.push(item);
    else throw new TypeError(`scenario.invariants[${i}] is neither an invariant nor a predicate`);
  });
  // A scenario that lists a default again replaces it.
  const byName = new Map<string, Invariant>();
  for (const inv of out) byName.set(inv.name, inv);
  return [...byName.values()];
}

/** Runs one invariant: a verdict of false, a message or a throw is a violation (returned as a message). */
export async function evaluate(inv: Invariant, ctx: InvariantContext): Promise<string | null> {
  let verdict: InvariantVerdict;
  try {
    verdict = await inv.check(ctx);
  } catch (e) {
    return `threw: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (verdict === true || verdict === undefined || verdict === null) return null;
  if (verdict === false) return "does not hold";
  return String(verdict);
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === "" || v === "0") return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.keys(v as object).length === 0;
  return false;
}

function methodOf(actions: readonly { type: string; methodName?: string }[]): string {
  return actions.find((a) => a.type === "FunctionCall")?.methodName ?? actions[0]?.type ?? "?";
}
