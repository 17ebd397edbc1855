/**
 * Contract size: bytes of near-sdk-js's rollup output (`bundleContract`, the module near-sdk-js hands to
 * QuickJS's compiler) for the fixtures in bench/contracts/size/: a minimal contract without guards, the
 * same with each guard alone, and with all four (plus startGuardedCall, which a flow needs to use them).
 * Each figure is the fixture's bundle minus the minimal one's, in UTF-8 bytes. Deterministic.
 *
 * The rollup step keeps comments, so the figures include the library's doc comments. As details, the same
 * differences after babel reprints both bundles without comments, and compacted (no comments, no
 * whitespace), separate code from documentation.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { transformSync } from "@babel/core";
import { bundleContract } from "../src/testing/index.js";
import { measured, type SectionResult } from "./figures.js";
import { info } from "./log.js";

/** Folder of the size fixtures. */
export const SIZE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "contracts", "size");
const dir = SIZE_DIR;

export const SIZE_FIXTURES = {
  minimal: "minimal.ts",
  privateCallback: "private-callback.ts",
  withRefundOnFailure: "refund-on-failure.ts",
  pendingLock: "pending-lock.ts",
  deferCredit: "defer-credit.ts",
  allGuards: "all-guards.ts",
} as const;

export type SizeFixture = keyof typeof SIZE_FIXTURES;

/** A bundle's size as produced, without comments, and compacted. */
export interface BundleSize {
  raw: number;
  noComments: number;
  compact: number;
}

function reprint(code: string, compact: boolean): string {
  const out = transformSync(code, { comments: false, compact, configFile: false, babelrc: false, sourceType: "module" });
  if (!out?.code) throw new Error("babel returned no code");
  return out.code;
}

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

/** Bundle sizes of every fixture. */
export async function bundleSizes(): Promise<Record<SizeFixture, BundleSize>> {
  const sizes = {} as Record<SizeFixture, BundleSize>;
  for (const [name, file] of Object.entries(SIZE_FIXTURES) as [SizeFixture, string][]) {
    const { code } = await bundleContract(path.join(dir, file));
    sizes[name] = { raw: bytes(code), noComments: bytes(reprint(code, false)), compact: bytes(reprint(code, true)) };
  }
  return sizes;
}

export async function measureContractSize(): Promise<SectionResult> {
  info("contract size: bundling the size fixtures with near-sdk-js's rollup step");
  const sizes = await bundleSizes();
  const added = (name: SizeFixture, form: keyof BundleSize) => sizes[name][form] - sizes.minimal[form];
  const guards: SizeFixture[] = ["privateCallback", "withRefundOnFailure", "pendingLock", "deferCredit", "allGuards"];
  const row = (form: keyof BundleSize) => guards.map((g) => `${g} +${added(g, form)}`).join(", ");
  return {
    figures: {
      bundleBytesAllGuards: measured(added("allGuards", "raw")),
      bundleBytesPrivateCallback: measured(added("privateCallback", "raw")),
    },
    details: [
      ["minimal contract bundle (raw / no comments / compact)", `${sizes.minimal.raw} / ${sizes.minimal.noComments} / ${sizes.minimal.compact} B`],
      ["bytes added, rollup output as is", row("raw")],
      ["bytes added, comments removed", row("noComments")],
      ["bytes added, comments and whitespace removed", row("compact")],
    ],
  };
}
