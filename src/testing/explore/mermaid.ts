/**
 * One schedule as a Mermaid sequence diagram: accounts are participants, receipts are arrows labelled with
 * their method, failures end in a cross, data receipts are dashed, blocks and the broken invariant are notes.
 */
import type { Block } from "../runtime/chain.js";
import type { TraceEntry } from "../runtime/trace.js";
import { formatYocto } from "./invariants.js";
import type { InvariantFailure } from "./types.js";

export interface MermaidOptions {
  /** Show gas refunds (default false). */
  gasRefunds?: boolean;
}

export interface MermaidView {
  blocks: readonly Block[];
  failures: readonly InvariantFailure[];
  /** Choices shown as a note at the top (faults and transaction offsets: orders show in the arrows). */
  choices: readonly string[];
  /** Account id → display name. */
  names: Record<string, string>;
}

/** Escapes text for a Mermaid message or note (entity codes for the characters Mermaid treats specially). */
function text(s: string, max = 90): string {
  let t = s.split("\n")[0].trim();
  if (t.length > max) t = t.slice(0, max - 1) + "…";
  return t.replace(/[#;<>]/g, (c) => ({ "#": "#35;", ";": "#59;", "<": "#lt;", ">": "#gt;" })[c]!);
}

function amountOf(detail: string | undefined): string {
  const m = detail ? /(\d+) yocto/.exec(detail) : null;
  return m ? formatYocto(BigInt(m[1])) : "";
}

function isGasRefund(e: TraceEntry): boolean {
  return e.kind === "refund" && (e.detail ?? "").startsWith("gas-refund");
}

/** Renders the schedule. */
export function renderMermaid(v: MermaidView, options: MermaidOptions = {}): string {
  const shown = (e: TraceEntry) => e.kind !== "transaction" || e.status === "failure";
  const entries = v.blocks.flatMap((b) => b.entries.filter((e) => shown(e) && (options.gasRefunds || !isGasRefund(e))).map((e) => ({ b, e })));
  const order: string[] = [];
  const add = (id: string) => {
    if (!order.includes(id)) order.push(id);
  };
  for (const id of Object.keys(v.names)) if (entries.some(({ e }) => e.from === id || e.to === id)) add(id);
  for (const { e } of entries) {
    add(e.from);
    add(e.to);
  }
  if (order.length === 0) for (const id of Object.keys(v.names)) add(id);
  const alias = new Map<string, string>();
  const used = new Set<string>();
  for (const id of order) {
    let a = (v.names[id] ?? id).replace(/[^A-Za-z0-9_]/g, "_");
    if (!/^[A-Za-z_]/.test(a)) a = `a_${a}`;
    while (used.has(a)) a += "_";
    used.add(a);
    alias.set(id, a);
  }
  const first = alias.get(order[0]) ?? "system";
  const last = alias.get(order[order.length - 1]) ?? first;
  const span = first === last ? first : `${first},${last}`;

  const out: string[] = ["sequenceDiagram"];
  for (const id of order) {
    const name = v.names[id];
    out.push(`  participant ${alias.get(id)} as ${text(name && name !== id ? `${name} (${id})` : id)}`);
  }
  if (v.choices.length) out.push(`  Note over ${span}: ${text(v.choices.join(" | "), 300)}`);
  let lastHeight: bigint | null = null;
  for (const { b, e } of entries) {
    if (b.height !== lastHeight) {
      out.push(`  Note over ${span}: block ${b.height}`);
      lastHeight = b.height;
    }
    const from = alias.get(e.from)!;
    const to = alias.get(e.to)!;
    const failed = e.status === "failure";
    const why = failed && e.detail ? ` (${text(e.detail, 60)})` : "";
    switch (e.kind) {
      case "receipt":
        out.push(`  ${from}${failed ? "-x" : "->>"}${to}: ${text(e.method ?? "transfer")}${failed ? " ✗" : ""}${why}`);
        break;
      case "refund": {
        const what = (e.detail ?? "").startsWith("gas-refund") ? "gas refund" : "deposit refund";
        out.push(`  ${from}${failed ? "--x" : "-->>"}${to}: ${what} ${amountOf(e.detail)}${failed ? " ✗" : ""}`);
        break;
      }
      case "data":
        out.push(`  ${from}${failed ? "--x" : "-->>"}${to}: ${failed ? "result: failed ✗" : "result: ok"}`);
        break;
      case "postponed":
        out.push(`  Note over ${to}: ${text(e.method ?? "callback")} waits for its data`);
        break;
      case "transaction":
        out.push(`  Note over ${from}: ${text(`${e.method ?? "transaction"} rejected${e.detail ? `: ${e.detail}` : ""}`)}`);
        break;
    }
  }
  for (const f of v.failures) out.push(`  Note over ${span}: ✗ ${text(`${f.invariant}: ${f.message}`, 200)}`);
  return out.join("\n");
}
