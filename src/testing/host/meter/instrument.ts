/**
 * Prepares a contract's wasm the way nearcore does before running it, and adds gas metering.
 *
 * **Preparation (nearcore `prepare_v2`/`v3`).** Every import must come from `env` (else `PrepareError::Instantiate`),
 * the module may not import memory (`PrepareError::Memory`); its own memory is replaced by an imported
 * `env.memory` of 1,024 initial and 2,048 maximum 64 KiB pages, appended after the function imports, so
 * `memory.grow` behaves as on chain; memory exports are dropped.
 *
 * **Metering.** nearcore charges `wasm_regular_op_cost` gas per executed operator. Two counting rules:
 * - `current` (finite-wasm, `prepare_v2`/`v3` and NearVm, protocol ≥ 62): every operator costs 1 except `block`,
 *   `end` and `else`, which cost 0 (the `SimpleGasCostCfg` of nearcore's prepare code);
 * - `legacy` (pwasm-utils' `inject_gas_counter`, `prepare_v1`, what near-sdk-js's published 2023 benchmark ran
 *   on): `end` and `else` are free, everything else costs 1, so `block` costs 1 too; charged where pwasm-utils
 *   puts its metered blocks ({@link legacyMeteredBlocks}), which is the executed operators except after a
 *   nested block that branches back to an enclosing loop: the code after that block is paid even when skipped.
 *
 * The current rule charges a straight-line segment's cost when the segment is entered (a segment starts at the
 * function entry and after `loop`, `if`, `else`, `end`, `br`, `br_if`, `br_table`, `return` and `unreachable`).
 * The counter is an exported mutable i64 global `__ncg_ops`; at each function entry and loop header the code
 * compares it with `__ncg_limit` (set by the host from the gas left) and traps with `unreachable` past it, so
 * every call and every loop iteration stops at the budget. The host syncs the counter with VMLogic's gas on
 * every host call (see `host/raw-env.ts`), so a host call never runs past the budget either.
 */
import {
  readCodeBodies, readExports, readImports, readSections, Reader, SECTION, skipImmediates, skipLocals, WasmFormatError, Writer,
  writeExports, writeImports, writeModule, insertSection, type Section,
} from "./wasm-binary.js";

/** How executed operators are counted (see the module doc). */
export type WasmOpCounting = "current" | "legacy";

/** Names of the globals the instrumentation exports. */
export const METER_EXPORTS = { ops: "__ncg_ops", limit: "__ncg_limit" } as const;

/** Bumped whenever the instrumentation changes: part of the instrumented-module cache key. */
export const METER_VERSION = "2";

/** A contract nearcore would refuse to prepare, with nearcore's `PrepareError` variant. */
export class PrepareError extends Error {
  constructor(
    /** nearcore's variant: `Deserialization`, `Instantiate`, `Memory`, ... */
    readonly kind: "Deserialization" | "Instantiate" | "Memory",
    detail: string,
  ) {
    super(`${kind}: ${detail}`);
    this.name = "PrepareError";
  }
}

/** Options of {@link instrumentContract}. */
export interface InstrumentOptions {
  counting: WasmOpCounting;
  /** Initial memory pages (nearcore: 1,024). */
  initialMemoryPages: number;
  /** Maximum memory pages (nearcore: 2,048). */
  maxMemoryPages: number;
}

/** The prepared, metered module and what the host needs to know about it. */
export interface InstrumentedContract {
  bytes: Uint8Array;
  /** Exported functions of the contract (its methods). */
  methods: string[];
}

const OP = { unreachable: 0x00, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, brTable: 0x0e, return: 0x0f } as const;

/** Opcodes after which a new straight-line segment starts. */
function endsSegment(op: number): boolean {
  return op === OP.loop || op === OP.if || op === OP.else || op === OP.end || op === OP.br || op === OP.brIf || op === OP.brTable || op === OP.return || op === OP.unreachable;
}

/**
 * Prepares and meters a contract (see the module doc). Throws {@link PrepareError} for a module nearcore would
 * not prepare.
 *
 * @example
 * const { bytes } = instrumentContract(wasm, { counting: "current", initialMemoryPages: 1024, maxMemoryPages: 2048 });
 * const module = new WebAssembly.Module(bytes);
 */
export function instrumentContract(code: Uint8Array, options: InstrumentOptions): InstrumentedContract {
  let sections: Section[];
  try {
    sections = readSections(code);
  } catch (e) {
    throw new PrepareError("Deserialization", (e as Error).message);
  }
  const importSection = sections.find((s) => s.id === SECTION.import);
  const imports = importSection ? readImports(importSection.payload) : [];
  for (const imp of imports) {
    if (imp.module !== "env") throw new PrepareError("Instantiate", `import ${imp.module}.${imp.field} is not from env`);
    if (imp.kind === 2) throw new PrepareError("Memory", `the module imports memory ${imp.module}.${imp.field}`);
    if (imp.kind !== 0) throw new PrepareError("Instantiate", `import ${imp.module}.${imp.field} is not a function`);
  }
  const globalSection = sections.find((s) => s.id === SECTION.global);
  const globalCount = globalSection ? new Reader(globalSection.payload).u32() : 0;
  const opsGlobal = globalCount;
  const limitGlobal = globalCount + 1;

  // Globals: the counter and the limit (mutable i64, 0).
  const newGlobals = new Writer();
  newGlobals.u32(globalCount + 2);
  if (globalSection) newGlobals.bytes(globalSection.payload.subarray(lebLength(globalSection.payload)));
  for (let i = 0; i < 2; i++) newGlobals.bytes([0x7e, 0x01, 0x42, 0x00, 0x0b]);

  const memoryImport = { module: "env", field: "memory", kind: 2, desc: new Writer().u8(0x01).u32(options.initialMemoryPages).u32(options.maxMemoryPages).finish() };
  const out: Section[] = [];
  let methods: string[] = [];
  for (const s of sections) {
    switch (s.id) {
      case SECTION.import:
        out.push({ id: s.id, payload: writeImports([...imports, memoryImport]) });
        break;
      case SECTION.memory:
        break; // replaced by the import
      case SECTION.global:
        out.push({ id: s.id, payload: newGlobals.finish() });
        break;
      case SECTION.export: {
        const exports = readExports(s.payload).filter((e) => e.kind !== 2);
        methods = exports.filter((e) => e.kind === 0).map((e) => e.name);
        exports.push({ name: METER_EXPORTS.ops, kind: 3, index: opsGlobal }, { name: METER_EXPORTS.limit, kind: 3, index: limitGlobal });
        out.push({ id: s.id, payload: writeExports(exports) });
        break;
      }
      case SECTION.code: {
        const bodies = readCodeBodies(s.payload);
        const w = new Writer(Math.ceil(s.payload.length * 1.5));
        w.u32(bodies.length);
        for (const body of bodies) {
          const metered = meterBody(body, opsGlobal, limitGlobal, options.counting);
          w.u32(metered.length).bytes(metered);
        }
        out.push({ id: s.id, payload: w.finish() });
        break;
      }
      default:
        out.push(s);
    }
  }
  if (!importSection) insertSection(out, { id: SECTION.import, payload: writeImports([memoryImport]) });
  if (!globalSection) insertSection(out, { id: SECTION.global, payload: newGlobals.finish() });
  if (!sections.some((s) => s.id === SECTION.export)) {
    insertSection(out, { id: SECTION.export, payload: writeExports([{ name: METER_EXPORTS.ops, kind: 3, index: opsGlobal }, { name: METER_EXPORTS.limit, kind: 3, index: limitGlobal }]) });
  }
  return { bytes: writeModule(out), methods };
}

function lebLength(bytes: Uint8Array): number {
  let n = 0;
  while (bytes[n] & 0x80) n++;
  return n + 1;
}

/** Rewrites one function body with a charge at each segment and a limit check at entry and loop headers. */
function meterBody(body: Uint8Array, opsGlobal: number, limitGlobal: number, counting: WasmOpCounting): Uint8Array {
  if (counting === "legacy") return meterBodyLegacy(body, opsGlobal, limitGlobal);
  const codeStart = skipLocals(body);
  const r = new Reader(body, codeStart);
  // Segments as [start, end, cost, checked] quadruples.
  const segments: number[] = [];
  let start = codeStart;
  let cost = 0;
  let checked = 1; // the function entry
  while (!r.done) {
    const op = r.u8();
    skipImmediates(r, op);
    if (op !== OP.block && op !== OP.end && op !== OP.else) cost += 1;
    if (endsSegment(op)) {
      segments.push(start, r.pos, cost, checked);
      start = r.pos;
      cost = 0;
      checked = op === OP.loop ? 1 : 0;
    }
  }
  if (start !== body.length) throw new WasmFormatError("a function body does not end with `end`");

  const w = new Writer(body.length + (segments.length / 4) * 24 + 32);
  w.bytes(body.subarray(0, codeStart));
  for (let i = 0; i < segments.length; i += 4) {
    const segCost = segments[i + 2];
    if (segCost > 0) {
      // ops += cost
      w.u8(0x23).u32(opsGlobal).u8(0x42).s64(BigInt(segCost)).u8(0x7c).u8(0x24).u32(opsGlobal);
    }
    if (segments[i + 3]) {
      // if (ops > limit) unreachable
      w.u8(0x23).u32(opsGlobal).u8(0x23).u32(limitGlobal).u8(0x56).u8(0x04).u8(0x40).u8(0x00).u8(0x0b);
    }
    w.bytes(body.subarray(segments[i], segments[i + 1]));
  }
  return w.finish();
}

/** One metered block of pwasm-utils' algorithm: charged in full before the instruction at `start`. */
interface MeteredBlock {
  start: number;
  cost: number;
}

/** A control block (function body, `block`, `loop`, `if`) on pwasm-utils' control stack. */
interface ControlBlock {
  /** Lowest stack index a forward branch inside this block targets (at most its own index). */
  lowestForwardTarget: number;
  active: MeteredBlock;
  isLoop: boolean;
}

/**
 * Where pwasm-utils' `inject_gas_counter` (nearcore `prepare_v1`, vendored as `instrument/gas`) puts its charges
 * and how much each charges: every operator but `end` and `else` costs 1, a metered block is charged in full at
 * its start. Blocks end at `if`, `loop`, `else`, `end` of a block a forward branch may leave, `br`, `br_if`,
 * `br_table` and `return`; a `block` and the code after an inner control block's `end` join the enclosing metered
 * block, and branches to a `loop` (backward) do not end it. So when a branch inside a nested block goes back to
 * an enclosing loop, the operators after that nested block, already charged, do not run: the legacy rule
 * charges more than the operators executed. `instructions[i]` is the opcode of instruction i, `labels[i]` its
 * branch labels (br/br_if: one; br_table: default first, then the table).
 */
export function legacyMeteredBlocks(instructions: readonly number[], labels: ReadonlyMap<number, readonly number[]>): MeteredBlock[] {
  const stack: ControlBlock[] = [];
  const finalized: MeteredBlock[] = [];
  const begin = (start: number, isLoop: boolean) => stack.push({ lowestForwardTarget: stack.length, active: { start, cost: 0 }, isLoop });
  const finalizeMetered = (cursor: number) => {
    const top = stack[stack.length - 1];
    const closing = top.active;
    top.active = { start: cursor + 1, cost: 0 };
    if (stack.length > 1) {
      const prev = stack[stack.length - 2].active;
      if (closing.start === prev.start) {
        prev.cost += closing.cost;
        return;
      }
    }
    if (closing.cost > 0) finalized.push(closing);
  };
  const finalizeControl = (cursor: number) => {
    finalizeMetered(cursor);
    const closing = stack.pop()!;
    const closingIndex = stack.length;
    if (stack.length === 0) return;
    const top = stack[stack.length - 1];
    top.lowestForwardTarget = Math.min(top.lowestForwardTarget, closing.lowestForwardTarget);
    if (closing.lowestForwardTarget < closingIndex) finalizeMetered(cursor);
  };
  const branch = (cursor: number, targets: readonly number[]) => {
    finalizeMetered(cursor);
    const top = stack[stack.length - 1];
    for (const t of targets) {
      const target = stack[t];
      if (!target) throw new WasmFormatError("a branch targets a label outside the function");
      if (!target.isLoop) top.lowestForwardTarget = Math.min(top.lowestForwardTarget, t);
    }
  };
  begin(0, false);
  for (let cursor = 0; cursor < instructions.length; cursor++) {
    const op = instructions[cursor];
    if (stack.length === 0) throw new WasmFormatError("instructions after the function body's end");
    const active = () => stack[stack.length - 1].active;
    switch (op) {
      case OP.block:
        active().cost += 1;
        begin(active().start, false);
        break;
      case OP.if:
        active().cost += 1;
        begin(cursor + 1, false);
        break;
      case OP.loop:
        active().cost += 1;
        begin(cursor + 1, true);
        break;
      case OP.end:
        finalizeControl(cursor);
        break;
      case OP.else:
        finalizeMetered(cursor);
        break;
      case OP.br:
      case OP.brIf:
      case OP.brTable: {
        active().cost += 1;
        const top = stack.length - 1;
        branch(cursor, (labels.get(cursor) ?? []).map((l) => top - l));
        break;
      }
      case OP.return:
        active().cost += 1;
        branch(cursor, [0]);
        break;
      default:
        active().cost += 1;
    }
  }
  return finalized.sort((a, b) => a.start - b.start);
}

/** The legacy rule: pwasm-utils' metered blocks (see {@link legacyMeteredBlocks}), limit checks at entry and loop headers. */
function meterBodyLegacy(body: Uint8Array, opsGlobal: number, limitGlobal: number): Uint8Array {
  const codeStart = skipLocals(body);
  const r = new Reader(body, codeStart);
  const positions: number[] = [];
  const instructions: number[] = [];
  const labels = new Map<number, number[]>();
  while (!r.done) {
    positions.push(r.pos);
    const op = r.u8();
    if (op === OP.br || op === OP.brIf) {
      labels.set(instructions.length, [r.u32()]);
    } else if (op === OP.brTable) {
      const n = r.u32();
      const table: number[] = [];
      for (let i = 0; i < n; i++) table.push(r.u32());
      labels.set(instructions.length, [r.u32(), ...table]);
    } else {
      skipImmediates(r, op);
    }
    instructions.push(op);
  }
  if (instructions[instructions.length - 1] !== OP.end) throw new WasmFormatError("a function body does not end with `end`");
  const blocks = legacyMeteredBlocks(instructions, labels);
  const w = new Writer(body.length + blocks.length * 16 + 32);
  w.bytes(body.subarray(0, codeStart));
  let b = 0;
  for (let i = 0; i < instructions.length; i++) {
    if (b < blocks.length && blocks[b].start === i) {
      // ops += cost
      w.u8(0x23).u32(opsGlobal).u8(0x42).s64(BigInt(blocks[b].cost)).u8(0x7c).u8(0x24).u32(opsGlobal);
      b++;
      if (b < blocks.length && blocks[b].start === i) throw new WasmFormatError("two metered blocks start at one instruction");
    }
    if (i === 0 || instructions[i - 1] === OP.loop) {
      // if (ops > limit) unreachable
      w.u8(0x23).u32(opsGlobal).u8(0x23).u32(limitGlobal).u8(0x56).u8(0x04).u8(0x40).u8(0x00).u8(0x0b);
    }
    w.bytes(body.subarray(positions[i], i + 1 < positions.length ? positions[i + 1] : body.length));
  }
  if (b !== blocks.length) throw new WasmFormatError("a metered block starts after the function body");
  return w.finish();
}
