/** A readable trace of blocks and receipts: what ran where, in which order, and how it ended. */
import type { Block } from "./chain.js";

/** One line of the trace. */
export interface TraceEntry {
  kind: "transaction" | "receipt" | "refund" | "data" | "postponed";
  id: string;
  from: string;
  to: string;
  method?: string;
  txHash: string;
  status: "converted" | "success" | "failure" | "postponed";
  detail?: string;
  logs?: string[];
}

const ICON: Record<TraceEntry["status"], string> = { converted: "→", success: "✓", failure: "✗", postponed: "…" };

/** Formats blocks as text, one line per entry, e.g. `#102 ✓ receipt alice.test.near → staking.test.near deposit_and_stake`. */
export function formatTrace(blocks: readonly Block[], options: { logs?: boolean; ids?: boolean } = {}): string {
  const lines: string[] = [];
  for (const b of blocks) {
    if (b.entries.length === 0) continue;
    for (const e of b.entries) {
      const what = e.kind === "data" ? "data" : e.kind;
      const method = e.method ? ` ${e.method}` : "";
      const id = options.ids ? ` [${e.id.slice(0, 8)}]` : "";
      const detail = e.detail ? `  (${e.detail.split("\n")[0]})` : "";
      lines.push(`#${b.height} ${ICON[e.status]} ${what.padEnd(11)} ${e.from} → ${e.to}${method}${id}${detail}`);
      if (options.logs && e.logs) for (const l of e.logs) lines.push(`        log: ${l}`);
    }
  }
  return lines.join("\n");
}
