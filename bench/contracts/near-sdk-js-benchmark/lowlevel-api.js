// Equivalent of near-sdk-js's benchmark/src/lowlevel-api.js: one, then ten, raw storage writes of a 10-byte
// key and value, from exported functions (no @NearBindgen).
import { near } from "near-sdk-js";

export function lowlevel_storage_write() {
  const d = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  near.storageWriteRaw(d, d);
}

// Ten calls written out, as in the published contract (a loop would add its own operators).
export function lowlevel_storage_write_many() {
  const d = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  near.storageWriteRaw(d, d);
  near.storageWriteRaw(d, d);
  near.storageWriteRaw(d, d);
  near.storageWriteRaw(d, d);
  near.storageWriteRaw(d, d);
  near.storageWriteRaw(d, d);
  near.storageWriteRaw(d, d);
  near.storageWriteRaw(d, d);
  near.storageWriteRaw(d, d);
  near.storageWriteRaw(d, d);
}
