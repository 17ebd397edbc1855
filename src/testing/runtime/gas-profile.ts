/**
 * A receipt's gas profile, shaped like nearcore's (`ExecutionOutcome.metadata.gas_profile`): gas per cost,
 * in two categories. `WASM_HOST_COST` holds nearcore's ext costs (`BASE`, `READ_MEMORY_BASE`,
 * `STORAGE_WRITE_BASE`, …), plus `CONTRACT_LOADING_BASE`/`_BYTES` and `WASM_INSTRUCTION`; `ACTION_COST` holds
 * action fees (`NEW_ACTION_RECEIPT`, `FUNCTION_CALL_BASE`, `TRANSFER`, …): the exec fees of the receipt's own
 * actions and the send fees of the receipts its function calls create.
 *
 * On the `wasm` engine every figure is what nearcore would charge, `WASM_INSTRUCTION` included. On `vm` and
 * `quickjs` the contract's own execution is an estimate and appears as `WASM_INSTRUCTION` too (see
 * docs/differences.md); the host costs are those of the JavaScript-level `env`.
 */

/** The two cost categories of nearcore's profile. */
export type GasCostCategory = "ACTION_COST" | "WASM_HOST_COST";

/** One profile entry, as near-workspaces shows `gas_profile` items (gas as bigint). */
export interface GasProfileEntry {
  category: GasCostCategory;
  /** nearcore's name of the cost, e.g. `STORAGE_WRITE_BASE` or `FUNCTION_CALL_BASE`. */
  cost: string;
  gasUsed: bigint;
}

/** Accumulates gas per cost. */
export class GasProfile {
  private readonly items = new Map<string, GasProfileEntry>();

  /** Adds gas to a cost. */
  add(category: GasCostCategory, cost: string, gas: bigint): void {
    if (gas === 0n) return;
    const key = `${category}:${cost}`;
    const item = this.items.get(key);
    if (item) item.gasUsed += gas;
    else this.items.set(key, { category, cost, gasUsed: gas });
  }

  /** Adds every entry of another profile. */
  merge(other: GasProfile | readonly GasProfileEntry[]): void {
    for (const e of other instanceof GasProfile ? other.entries() : other) this.add(e.category, e.cost, e.gasUsed);
  }

  /** Gas of one cost (0 when absent). */
  get(cost: string, category: GasCostCategory = "WASM_HOST_COST"): bigint {
    return this.items.get(`${category}:${cost}`)?.gasUsed ?? 0n;
  }

  /** Σ gas. */
  total(): bigint {
    let t = 0n;
    for (const e of this.items.values()) t += e.gasUsed;
    return t;
  }

  /** Entries sorted by category then cost name, as nearcore lists them. */
  entries(): GasProfileEntry[] {
    return [...this.items.values()].map((e) => ({ ...e })).sort((a, b) => (a.category === b.category ? (a.cost < b.cost ? -1 : 1) : a.category < b.category ? -1 : 1));
  }
}
