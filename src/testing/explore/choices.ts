/**
 * The choices one run makes (fault choices, transaction offsets, per-block orders), taken from a prefix
 * (depth-first search and replay) or drawn from a PRNG (random mode). Points with a single alternative are
 * not choices and are not recorded, so ids stay short and stable.
 */
import type { Prng } from "./prng.js";

/** Raised when a schedule id does not fit the scenario it is replayed on. */
export class ScheduleMismatchError extends Error {
  readonly code = "ERR_SCHEDULE_MISMATCH";
  constructor(message: string) {
    super(message);
    this.name = "ScheduleMismatchError";
  }
}

export type ChoiceSource = { kind: "prefix"; prefix: readonly number[] } | { kind: "random"; rng: Prng };

/** The choices made up to some point of a run, to resume from there. */
export interface ChooserState {
  choices: number[];
  alternatives: number[];
  describers: ((choice: number) => string)[];
  kinds: ChoiceKind[];
  path: string;
}

/** What a choice is about: a fault point, a transaction's block, or the order of receipts in a block. */
export type ChoiceKind = "fault" | "tx" | "order";

/** Records the choices of one run. */
export class Chooser {
  readonly choices: number[] = [];
  readonly alternatives: number[] = [];
  private readonly describers: ((choice: number) => string)[] = [];
  private readonly kinds: ChoiceKind[] = [];
  /** The choices so far as a string: the dedup table's key for "the same path". */
  path = "";

  /** `from`: choices already made (a resumed run); they must be a prefix of a `prefix` source. */
  constructor(
    private readonly source: ChoiceSource,
    from?: ChooserState,
  ) {
    if (from) {
      this.choices.push(...from.choices);
      this.alternatives.push(...from.alternatives);
      this.describers.push(...from.describers);
      this.kinds.push(...from.kinds);
      this.path = from.path;
    }
  }

  /** The choices so far. */
  state(): ChooserState {
    return { choices: this.choices.slice(), alternatives: this.alternatives.slice(), describers: this.describers.slice(), kinds: this.kinds.slice(), path: this.path };
  }

  /** Picks one of `n` alternatives; `describe` renders the pick in words (only called for reports). */
  choose(n: number, kind: ChoiceKind, describe: (choice: number) => string): number {
    if (n <= 1) return 0;
    const at = this.choices.length;
    let c: number;
    if (this.source.kind === "random") c = this.source.rng.int(n);
    else {
      c = at < this.source.prefix.length ? this.source.prefix[at] : 0;
      if (c >= n) throw new ScheduleMismatchError(`choice ${at + 1} is ${c}, but only ${n} alternatives exist there: the schedule id was made for another scenario`);
    }
    this.choices.push(c);
    this.alternatives.push(n);
    this.describers.push(describe);
    this.kinds.push(kind);
    this.path += c.toString(36) + ",";
    return c;
  }

  /** Throws when a replayed prefix had choices left over. */
  assertConsumed(): void {
    if (this.source.kind !== "prefix") return;
    const extra = this.source.prefix.slice(this.choices.length);
    if (extra.some((c) => c !== 0)) {
      throw new ScheduleMismatchError(`the schedule id has ${extra.length} more choices than the run met: it was made for another scenario`);
    }
  }

  /** Every choice in words (only those of `kinds`, when given). */
  describe(kinds?: readonly ChoiceKind[]): string[] {
    return this.choices.flatMap((c, i) => (!kinds || kinds.includes(this.kinds[i]) ? [this.describers[i](c)] : []));
  }

  /** Number of choices that differ from the default. */
  nonDefault(): number {
    return this.choices.filter((c) => c !== 0).length;
  }

  /** Position of the search in [0, 1): how much of the tree lies before this run, assuming even subtrees. */
  position(): number {
    let pos = 0;
    let width = 1;
    for (let i = 0; i < this.choices.length; i++) {
      width /= this.alternatives[i];
      pos += this.choices[i] * width;
    }
    return pos;
  }
}

/** Depth-first successor: the prefix of the next run after this one, or null when the tree is done. */
export function nextPrefix(choices: readonly number[], alternatives: readonly number[]): number[] | null {
  for (let i = choices.length - 1; i >= 0; i--) {
    if (choices[i] + 1 < alternatives[i]) return [...choices.slice(0, i), choices[i] + 1];
  }
  return null;
}
