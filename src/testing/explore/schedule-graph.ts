/**
 * The graph of explored states, to count the schedules an exhaustive search covers: a schedule that
 * reaches an explored state shares every continuation of it, so the schedules covered are the paths from
 * the start to an end in this graph. An edge is (state at the start of a block, the choices made until
 * the next block) → next state; the first edge leaves a virtual root with the choices made before any
 * block (faults, transaction offsets).
 */

const ROOT = "<root>";
const END = "<end>";

export class ScheduleGraph {
  private readonly edges = new Map<string, Map<string, string>>();
  private prev: string | null = null;
  private prevPath = "";

  /** A run starts: from the root, or (`resumed`) from a checkpoint whose incoming edge is known. */
  begin(resumed: boolean): void {
    this.prev = resumed ? null : ROOT;
    this.prevPath = "";
  }

  /** The run reached a state at the start of a block, with these choices made so far. */
  visit(hash: string, path: string): void {
    if (this.prev !== null) this.add(this.prev, path.slice(this.prevPath.length), hash);
    this.prev = hash;
    this.prevPath = path;
  }

  /** The run ended (not pruned) with these choices, breaking these invariants. */
  end(path: string, broken: readonly string[] = []): void {
    const end = broken.length === 0 ? END : `${END}${[...new Set(broken)].sort().join("\u0000")}`;
    if (this.prev !== null) this.add(this.prev, path.slice(this.prevPath.length), end);
    this.prev = null;
  }

  private add(from: string, choices: string, to: string): void {
    let out = this.edges.get(from);
    if (!out) this.edges.set(from, (out = new Map()));
    out.set(choices, to);
  }

  /** Paths from the root to an end (`total`), and to an end where each invariant broke. */
  count(): { total: number; broken: Map<string, number> } {
    type Tally = Map<string, number>;
    const memo = new Map<string, Tally>();
    const visit = (node: string): Tally => {
      const known = memo.get(node);
      if (known) return known;
      const tally: Tally = new Map();
      if (node.startsWith(END)) {
        tally.set("", 1);
        for (const inv of node.slice(END.length).split("\u0000")) if (inv) tally.set(inv, 1);
      } else {
        for (const to of this.edges.get(node)?.values() ?? []) for (const [k, n] of visit(to)) tally.set(k, (tally.get(k) ?? 0) + n);
      }
      memo.set(node, tally);
      return tally;
    };
    const root = visit(ROOT);
    const broken = new Map([...root].filter(([k]) => k !== ""));
    return { total: root.get("") ?? 0, broken };
  }
}
