// Equivalent of near-sdk-js's benchmark/src/lowlevel-minimal.js: an exported function that does nothing,
// with near-sdk-js imported but unused (tree-shaken away): QuickJS start-up and module load only.
import { near } from "near-sdk-js";

export function empty() {}
