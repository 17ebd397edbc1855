/**
 * Applies one action receipt to the state, following nearcore's `apply_action_receipt`
 * (runtime/runtime/src/lib.rs): actions run in order and the first failure stops the receipt; a failed
 * receipt is rolled back whole (R14) and only its refunds and its Failed data go out (R12); the deposit
 * comes back to the predecessor (R15) and unused gas to the signer (R16), each as a receipt from `system`;
 * storage staking is checked for the receiver at the end (R18); 30 % of the gas its function calls burnt
 * goes to the receiver as a reward.
 */
import type { RuntimeConfig } from "./config.js";
import type { ActionReceipt, DataReceipt, ExecutionStatus, Receipt, ReceiptFailure, StorageOpCounts } from "./types.js";
import { StateStore, storageUsage, requiredStorageBalance, type AccountRecord, type ContractCode } from "./state.js";
import { totalDeposit, totalExecFees, totalPrepaidGas, execFee } from "./fees.js";
import { deriveId, randomSeed } from "./ids.js";
import { isDirectSubAccount, isImplicitAccountId } from "./account-id.js";
import { runFunctionCall } from "./function-call.js";
import { validateNewReceipt } from "./verifier.js";
import type { CompiledContract } from "../loader/vm-engine.js";
import type { EngineName } from "../loader/engines.js";
import { GasProfile, type GasProfileEntry } from "./gas-profile.js";
import { execFeeProfile } from "./fees.js";
import type { NewReceipt, ValidatorInfo } from "../host/vm-logic.js";

export const SYSTEM_ACCOUNT = "system";

/** What the chain provides to apply a receipt. */
export interface ApplyContext {
  config: RuntimeConfig;
  state: StateStore;
  blockHeight: bigint;
  blockTimestamp: bigint;
  epochHeight: bigint;
  registrarAccountId: string;
  compile: (code: ContractCode) => CompiledContract;
  engine?: EngineName;
  codeFromBytes: (bytes: Uint8Array) => ContractCode;
  validators: ValidatorInfo;
  executionGas: (accountId: string, method: string, code: ContractCode | null) => bigint;
  /** A test's `setExecutionGas` for the method, if any: on a metered (wasm) contract it replaces the measured operators. */
  executionGasOverride?: (accountId: string, method: string) => bigint | undefined;
  fault: (accountId: string, method: string) => { kind: "fail" | "exhaustGas"; message?: string } | undefined;
}

export interface ApplyResult {
  status: ExecutionStatus;
  logs: string[];
  gasBurnt: bigint;
  /** Tokens the receipt's gas cost, as nearcore's outcome reports them (before the receiver's reward). */
  tokensBurnt: bigint;
  /** yoctoNEAR credited to the receiver as its share of the gas its function calls burnt. */
  receiverReward: bigint;
  /** Everything this receipt sends out, in nearcore's order: promises, refunds, then data. */
  outgoing: Receipt[];
  methodName?: string;
  /** Storage host calls of the receipt's function calls; undefined when it ran none. */
  storageOps?: StorageOpCounts;
  /** Gas by nearcore cost (absent for refunds, which burn nothing). */
  gasProfile?: GasProfileEntry[];
  /** Prepaid gas given back to the signer (absent for refunds). */
  gasRefunded?: bigint;
}

type ActionOutcome = { ok: true; returnReceipt?: number; value?: Uint8Array } | { ok: false; failure: ReceiptFailure };

function failure(kind: string, message: string, index?: number): { ok: false; failure: ReceiptFailure } {
  return { ok: false, failure: { kind, message, index } };
}

/** Applies `receipt` (all its input data present in `promiseResults`). */
export function applyActionReceipt(ctx: ApplyContext, receipt: ActionReceipt, promiseResults: (Uint8Array | null)[]): ApplyResult {
  const { config } = ctx;
  const fork = ctx.state.fork();
  const receiverId = receipt.receiverId;
  const isRefund = receipt.predecessorId === SYSTEM_ACCOUNT;
  const sir = receipt.predecessorId === receiverId;
  let account: AccountRecord | undefined = fork.getMut(receiverId);
  let gasBurnt = config.fees.actionReceiptCreation.exec;
  let gasUsed = gasBurnt;
  let gasBurntForFunctionCall = 0n;
  const logs: string[] = [];
  const produced: NewReceipt[] = [];
  let result: ActionOutcome = { ok: true };
  let methodName: string | undefined;
  let storageOps: StorageOpCounts | undefined;
  const profile = new GasProfile();
  profile.add("ACTION_COST", "NEW_ACTION_RECEIPT", config.fees.actionReceiptCreation.exec);

  for (let index = 0; index < receipt.actions.length; index++) {
    const action = receipt.actions[index];
    // The receipt's output is the last action's (R7; nearcore's `ActionResult::merge` keeps the newest
    // result): an action other than a function call produces no data, so a batch that ends with a
    // Transfer returns empty bytes even when a function call earlier in it returned a value.
    result = { ok: true };
    const fee = execFee(config, action, sir);
    for (const [cost, gas] of execFeeProfile(config, action, sir)) profile.add("ACTION_COST", cost, gas);
    gasBurnt += fee;
    gasUsed += fee;
    if (action.type === "FunctionCall") methodName = action.methodName;

    if (action.type === "CreateAccount") {
      if (account) {
        result = failure("AccountAlreadyExists", `Can't create a new account ${receiverId}, because it already exists`, index);
        break;
      }
      const topLevel = !receiverId.includes(".");
      const allowed = topLevel ? receipt.predecessorId === ctx.registrarAccountId : isDirectSubAccount(receiverId, receipt.predecessorId);
      if (!allowed) {
        result = topLevel
          ? failure("CreateAccountOnlyByRegistrar", `A top-level account ID ${receiverId} can't be created by ${receipt.predecessorId}, short top-level account IDs can only be created by ${ctx.registrarAccountId}`, index)
          : failure("CreateAccountNotAllowed", `A sub-account ID ${receiverId} can't be created by account ${receipt.predecessorId}`, index);
        break;
      }
      account = { amount: 0n, locked: 0n, code: null, storage: new Map(), keys: [] };
      fork.set(receiverId, account);
      continue;
    }

    if (!account) {
      // nearcore creates an implicit account only for a lone Transfer that is not a refund
      // (`implicit_account_creation_eligible`); a refund to a missing account is burnt (R17).
      if (action.type === "Transfer" && isImplicitAccountId(receiverId) && receipt.actions.length === 1 && !isRefund) {
        // R17: a Transfer creates a missing implicit account. A NEAR-implicit (64-hex) account gets the
        // full-access ed25519 key its id encodes (nearcore `action_implicit_account_creation_transfer`),
        // which counts in its storage usage; ETH-implicit accounts get no key (their wallet contract is
        // not modelled).
        const keys = /^[0-9a-f]{64}$/.test(receiverId)
          ? [{ publicKey: implicitPublicKey(receiverId), nonce: 0n, permission: { kind: "FullAccess" as const } }]
          : [];
        account = { amount: 0n, locked: 0n, code: null, storage: new Map(), keys };
        fork.set(receiverId, account);
      } else {
        result = failure("AccountDoesNotExist", `Can't complete the action because account ${receiverId} doesn't exist`, index);
        break;
      }
    }

    switch (action.type) {
      case "Transfer":
        account.amount += action.deposit;
        break;
      case "DeployContract":
        account.code = ctx.codeFromBytes(action.code);
        break;
      case "AddKey":
        account.keys = account.keys.filter((k) => !bytesEqual(k.publicKey, action.publicKey));
        account.keys.push({ publicKey: action.publicKey, nonce: action.nonce, permission: action.permission });
        break;
      case "DeleteKey": {
        const before = account.keys.length;
        account.keys = account.keys.filter((k) => !bytesEqual(k.publicKey, action.publicKey));
        if (account.keys.length === before) result = failure("DeleteKeyDoesNotExist", `Account ${receiverId} tries to remove an access key that doesn't exist`, index);
        break;
      }
      case "Stake": {
        const total = account.amount + account.locked;
        if (action.stake > total) {
          result = failure("TriesToStake", `Account ${receiverId} tries to stake ${action.stake}, but has staked ${account.locked} and only has ${account.amount}`, index);
          break;
        }
        account.amount = total - action.stake;
        account.locked = action.stake;
        break;
      }
      case "DeleteAccount": {
        if (account.locked > 0n) {
          result = failure("DeleteAccountStaking", `Account ${receiverId} is staking and can not be deleted`, index);
          break;
        }
        const amount = account.amount;
        fork.delete(receiverId);
        account = undefined;
        if (amount > 0n) {
          produced.push({ receiverId: action.beneficiaryId, actions: [{ type: "Transfer", deposit: amount }], dependsOn: [], weights: [], origin: "delete-account" } as NewReceipt & { origin: string });
        }
        break;
      }
      case "FunctionCall": {
        account.amount += action.deposit;
        const call = runFunctionCall({
          config,
          account,
          code: account.code,
          compile: ctx.compile,
          engine: ctx.engine,
          currentAccountId: receiverId,
          signerAccountId: receipt.signerId,
          signerAccountPk: receipt.signerPublicKey,
          predecessorAccountId: receipt.predecessorId,
          methodName: action.methodName,
          args: action.args,
          deposit: action.deposit,
          prepaidGas: action.gas,
          blockHeight: ctx.blockHeight,
          blockTimestamp: ctx.blockTimestamp,
          epochHeight: ctx.epochHeight,
          randomSeed: randomSeed(ctx.blockHeight, receipt.id),
          promiseResults,
          outputDataReceivers: receipt.outputDataReceivers,
          isView: false,
          storageUsage: storageUsage(account, config),
          validators: ctx.validators,
          executionGas: ctx.executionGas(receiverId, action.methodName, account.code),
          executionGasOverride: ctx.executionGasOverride?.(receiverId, action.methodName),
          fault: ctx.fault(receiverId, action.methodName),
        });
        logs.push(...call.logs);
        profile.merge(call.profile);
        storageOps = addStorageOps(storageOps, call.storageOps);
        gasBurnt += call.burntGas;
        gasUsed += call.usedGas;
        gasBurntForFunctionCall += call.burntGas;
        if (!call.ok) {
          result = failure("FunctionCallError", call.error!.message, index);
          break;
        }
        account.amount = call.balance;
        const validation = validateNewReceipts(config, receipt, call.newReceipts);
        if (validation) {
          result = failure("NewReceiptValidationError", validation, index);
          break;
        }
        const offset = produced.length;
        produced.push(...call.newReceipts.map((r) => ({ ...r, dependsOn: r.dependsOn.map((d) => d + offset) })));
        if (call.returnData.kind === "receipt") result = { ok: true, returnReceipt: call.returnData.index + offset };
        else if (call.returnData.kind === "value") result = { ok: true, value: call.returnData.value };
        else result = { ok: true, value: new Uint8Array(0) };
        break;
      }
    }
    if (!result.ok) break;
  }

  // Storage staking (R18).
  if (result.ok && account) {
    const required = requiredStorageBalance(account, config);
    if (account.amount + account.locked < required) {
      const missing = required - account.amount - account.locked;
      result = failure("LackBalanceForState", `LackBalanceForState: account ${receiverId} wouldn't have enough balance to cover storage, required to have ${missing} yoctoNEAR more`);
    }
  }

  const outgoing: Receipt[] = [];
  const ids: string[] = [];
  if (result.ok) {
    fork.commit();
    const built = buildReceipts(receipt, produced);
    outgoing.push(...built);
    ids.push(...built.map((r) => r.id));
  }

  // Refunds (R15, R16). Refund receipts themselves refund nothing; a failed refund burns its deposit.
  let tokensBurnt = 0n;
  let gasRefunded = 0n;
  if (!isRefund) {
    const prepaid = totalPrepaidGas(receipt.actions) + totalExecFees(config, receipt.actions, sir);
    const depositRefund = result.ok ? 0n : totalDeposit(receipt.actions);
    const gasRefund = prepaid - (result.ok ? gasUsed : gasBurnt);
    gasRefunded = gasRefund > 0n ? gasRefund : 0n;
    if (depositRefund > 0n) outgoing.push(refundReceipt(receipt, receipt.predecessorId, depositRefund, "deposit-refund", outgoing.length, ctx.blockHeight));
    if (gasRefund > 0n) outgoing.push(refundReceipt(receipt, receipt.signerId, gasRefund * receipt.gasPrice, "gas-refund", outgoing.length, ctx.blockHeight));
    tokensBurnt = gasBurnt * receipt.gasPrice;
  }

  // Reward for the gas the function calls burnt (nearcore: burnt_gas_reward, 3/10), even on failure.
  const [num, den] = config.burntGasReward;
  // nearcore reports tokens_burnt before this reward; the chain counts the reward as not burnt.
  let receiverReward = 0n;
  const reward = ((gasBurntForFunctionCall * num) / den) * receipt.gasPrice;
  if (reward > 0n && !isRefund) {
    const receiver = ctx.state.getMut(receiverId);
    if (receiver) {
      receiver.amount += reward;
      receiverReward = reward;
    }
  }

  // Output data (R7, R9): forward our receivers to the returned promise, or send the value / failure.
  let status: ExecutionStatus;
  if (result.ok && result.returnReceipt !== undefined) {
    const target = outgoing[result.returnReceipt] as ActionReceipt;
    target.outputDataReceivers.push(...receipt.outputDataReceivers);
    status = { type: "SuccessReceiptId", receiptId: target.id };
  } else {
    const data = result.ok ? (result.value ?? new Uint8Array(0)) : null;
    for (const receiver of receipt.outputDataReceivers) {
      const dataReceipt: DataReceipt = {
        kind: "data",
        id: deriveId(receipt.id, "data", receiver.dataId),
        predecessorId: receiverId,
        receiverId: receiver.receiverId,
        txHash: receipt.txHash,
        createdAt: ctx.blockHeight,
        dataId: receiver.dataId,
        data,
      };
      outgoing.push(dataReceipt);
    }
    status = result.ok ? { type: "SuccessValue", value: result.value ?? new Uint8Array(0) } : { type: "Failure", failure: result.failure };
  }

  return { status, logs, gasBurnt: isRefund ? 0n : gasBurnt, tokensBurnt, receiverReward, outgoing, methodName, storageOps, ...(isRefund ? {} : { gasProfile: profile.entries(), gasRefunded }) };

  function buildReceipts(parent: ActionReceipt, list: NewReceipt[]): ActionReceipt[] {
    const built: ActionReceipt[] = list.map((r, i) => ({
      kind: "action",
      id: deriveId(parent.id, "receipt", i),
      predecessorId: (r as NewReceipt & { origin?: string }).origin === "delete-account" ? SYSTEM_ACCOUNT : receiverId,
      receiverId: r.receiverId,
      txHash: parent.txHash,
      createdAt: ctx.blockHeight,
      signerId: parent.signerId,
      signerPublicKey: parent.signerPublicKey,
      gasPrice: parent.gasPrice,
      actions: r.actions,
      outputDataReceivers: [],
      inputDataIds: [],
      origin: ((r as NewReceipt & { origin?: ActionReceipt["origin"] }).origin ?? "promise") as ActionReceipt["origin"],
    }));
    list.forEach((r, j) => {
      r.dependsOn.forEach((producer, k) => {
        const dataId = deriveId(parent.id, "data-id", j, k);
        built[producer].outputDataReceivers.push({ dataId, receiverId: built[j].receiverId });
        built[j].inputDataIds.push(dataId);
      });
    });
    return built;
  }
}

function refundReceipt(parent: ActionReceipt, to: string, amount: bigint, origin: "deposit-refund" | "gas-refund", index: number, height: bigint): ActionReceipt {
  return {
    kind: "action",
    id: deriveId(parent.id, origin, index),
    predecessorId: SYSTEM_ACCOUNT,
    receiverId: to,
    txHash: parent.txHash,
    createdAt: height,
    signerId: SYSTEM_ACCOUNT,
    signerPublicKey: new Uint8Array(33),
    gasPrice: 0n,
    actions: [{ type: "Transfer", deposit: amount }],
    outputDataReceivers: [],
    inputDataIds: [],
    origin,
  };
}

/**
 * nearcore's `validate_receipt` of each receipt a function call created, in creation order (R10, R13,
 * R24, R25): size, input data dependencies, then actions (count, 0-gas calls, method names, arguments,
 * access keys, DeleteAccount last, total prepaid gas). It runs after the call, before the receipt's output
 * is forwarded to a returned promise, so a failing one fails the receipt with NewReceiptValidationError,
 * not the call with a host error. Returns the first violation as nearcore prints it.
 */
function validateNewReceipts(config: RuntimeConfig, parent: ActionReceipt, receipts: NewReceipt[]): string | null {
  const outputs: string[][] = receipts.map(() => []);
  for (const r of receipts) for (const producer of r.dependsOn) outputs[producer].push(r.receiverId);
  for (let j = 0; j < receipts.length; j++) {
    const r = receipts[j];
    const found = validateNewReceipt(config.limits, {
      predecessorId: parent.receiverId,
      receiverId: r.receiverId,
      signerId: parent.signerId,
      signerPublicKey: parent.signerPublicKey,
      outputDataReceiverIds: outputs[j],
      inputDataIds: r.dependsOn.length,
      actions: r.actions,
    });
    if (found) return found.message;
  }
  return null;
}

function addStorageOps(a: StorageOpCounts | undefined, b: StorageOpCounts): StorageOpCounts {
  if (!a) return { ...b };
  return { reads: a.reads + b.reads, writes: a.writes + b.writes, removes: a.removes + b.removes, hasKeys: a.hasKeys + b.hasKeys };
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The ed25519 public key (curve byte 0 + 32 bytes) a NEAR-implicit account id is the hex of. */
function implicitPublicKey(accountId: string): Uint8Array {
  const key = new Uint8Array(33);
  for (let i = 0; i < 32; i++) key[i + 1] = parseInt(accountId.slice(2 * i, 2 * i + 2), 16);
  return key;
}
