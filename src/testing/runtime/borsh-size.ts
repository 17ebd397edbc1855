/**
 * Sizes of transactions, receipts and actions as nearcore measures them against `max_transaction_size`
 * and `max_receipt_size`: the length of their borsh encoding. Nothing is encoded; the lengths are added
 * up field by field (strings and byte vectors: u32 length + bytes; enums: a 1-byte tag; u64: 8; u128:
 * 16; hashes: 32; public keys: the key's own bytes, which start with its curve tag).
 */
import type { Action } from "./types.js";
import { accessKeyValueBytes } from "./state.js";
import { utf8Length } from "./fees.js";

const U32 = 4;
const U64 = 8;
const U128 = 16;
const HASH = 32;
const TAG = 1;

const stringSize = (s: string): number => U32 + utf8Length(s);
const bytesSize = (b: Uint8Array): number => U32 + b.length;

/** Borsh size of one action: its enum tag and its fields. */
export function actionSize(action: Action): number {
  switch (action.type) {
    case "CreateAccount":
      return TAG;
    case "DeployContract":
      return TAG + bytesSize(action.code);
    case "FunctionCall":
      return TAG + stringSize(action.methodName) + bytesSize(action.args) + U64 + U128;
    case "Transfer":
      return TAG + U128;
    case "Stake":
      return TAG + U128 + action.publicKey.length;
    case "AddKey":
      return TAG + action.publicKey.length + accessKeyValueBytes(action);
    case "DeleteKey":
      return TAG + action.publicKey.length;
    case "DeleteAccount":
      return TAG + stringSize(action.beneficiaryId);
  }
}

/** Borsh size of a list of actions (u32 count + each action). */
export function actionsSize(actions: readonly Action[]): number {
  return actions.reduce((n, a) => n + actionSize(a), U32);
}

/** What a transaction's size depends on. */
export interface TransactionShape {
  signerId: string;
  signerPublicKey: Uint8Array;
  receiverId: string;
  actions: readonly Action[];
}

/**
 * Size of a transaction body (nearcore's `Transaction::V0`: signer, public key, nonce, receiver, block
 * hash, actions), what `SignedTransaction::get_size` measures: the signature is not counted.
 */
export function transactionSize(tx: TransactionShape): number {
  return stringSize(tx.signerId) + tx.signerPublicKey.length + U64 + stringSize(tx.receiverId) + HASH + actionsSize(tx.actions);
}

/** What the size of an action receipt a call creates depends on. */
export interface ReceiptShape {
  predecessorId: string;
  receiverId: string;
  signerId: string;
  signerPublicKey: Uint8Array;
  /** Receivers of the receipt's output (each: a data id and an account id). */
  outputDataReceiverIds: readonly string[];
  /** Number of data ids the receipt waits for. */
  inputDataIds: number;
  actions: readonly Action[];
}

/**
 * Size of an action receipt in nearcore's `Receipt` layout: predecessor, receiver, receipt id, the
 * `ReceiptEnum::Action` tag, then the action receipt (signer, signer key, gas price, output data
 * receivers, input data ids, actions).
 */
export function receiptSize(r: ReceiptShape): number {
  const outputs = r.outputDataReceiverIds.reduce((n, id) => n + HASH + stringSize(id), U32);
  const inputs = U32 + HASH * r.inputDataIds;
  return stringSize(r.predecessorId) + stringSize(r.receiverId) + HASH + TAG + stringSize(r.signerId) + r.signerPublicKey.length + U128 + outputs + inputs + actionsSize(r.actions);
}
