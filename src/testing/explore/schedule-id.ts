/**
 * Schedule ids: a compact, copy-pasteable string that names one schedule of one scenario.
 *
 * `<fingerprint>-<settings>-<choices>`, e.g. `k3f9qa-d1-0102`: the scenario's fingerprint (its
 * transactions, windows and fault points), the explore settings that shape the choices (`d1` = max delay 1,
 * `p` = payouts deferrable), then one base-36 digit per choice in the order the run meets them (a number
 * ≥ 36 is written in parentheses). Trailing default choices (0) are left out.
 */
import { createHash } from "node:crypto";

/** Explore settings that change which choices exist. */
export interface ChoiceSettings {
  maxDelay: number;
  deferPayouts: boolean;
}

export interface ParsedScheduleId {
  fingerprint: string;
  settings: ChoiceSettings;
  choices: number[];
}

/** Fingerprint of whatever shapes a scenario's choices (6 base-36 chars). */
export function fingerprint(shape: unknown): string {
  const json = JSON.stringify(shape, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
  const digest = createHash("sha256").update(json).digest();
  return (digest.readUInt32BE(0) * 0x100 + digest[4]).toString(36).padStart(6, "0").slice(-6);
}

/** Encodes choices into an id. */
export function encodeScheduleId(fp: string, settings: ChoiceSettings, choices: readonly number[]): string {
  let end = choices.length;
  while (end > 0 && choices[end - 1] === 0) end--;
  let digits = "";
  for (let i = 0; i < end; i++) {
    const c = choices[i];
    digits += c < 36 ? c.toString(36) : `(${c.toString(36)})`;
  }
  return `${fp}-${settingsCode(settings)}-${digits || "0"}`;
}

function settingsCode(s: ChoiceSettings): string {
  return `d${s.maxDelay}${s.deferPayouts ? "p" : ""}`;
}

/** Parses an id; throws a clear error on anything malformed. */
export function parseScheduleId(id: string): ParsedScheduleId {
  const m = /^([0-9a-z]{6})-d(\d+)(p?)-([0-9a-z()]+)$/.exec(id.trim());
  if (!m) throw new Error(`Not a schedule id: ${JSON.stringify(id)} (expected something like "k3f9qa-d1-0102")`);
  const choices: number[] = [];
  const digits = m[4];
  for (let i = 0; i < digits.length; i++) {
    if (digits[i] === "(") {
      const close = digits.indexOf(")", i);
      if (close < 0) throw new Error(`Not a schedule id: unclosed "(" in ${JSON.stringify(id)}`);
      choices.push(parseInt(digits.slice(i + 1, close), 36));
      i = close;
    } else if (digits[i] === ")") {
      throw new Error(`Not a schedule id: stray ")" in ${JSON.stringify(id)}`);
    } else {
      choices.push(parseInt(digits[i], 36));
    }
  }
  if (choices.some((c) => !Number.isSafeInteger(c))) throw new Error(`Not a schedule id: bad choice in ${JSON.stringify(id)}`);
  return { fingerprint: m[1], settings: { maxDelay: Number(m[2]), deferPayouts: m[3] === "p" }, choices };
}
