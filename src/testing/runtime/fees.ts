/** Send and exec fees of actions (nearcore `runtime/runtime/src/config.rs`: `total_send_fees`, `exec_fee`). */
import type { RuntimeConfig } from "./config.js";
import type { Action } from "./types.js";

const utf8 = new TextEncoder();

/** Bytes of a string in UTF-8, as nearcore counts method names and account ids. */
export function utf8Length(s: string): number {
  return utf8.encode(s).length;
}

/** Σ (length + 1) over the method names of a function-call access key: what its per-byte fee and limit count. */
export function methodNamesBytes(methodNames: readonly string[]): number {
  return methodNames.reduce((n, m) => n + utf8Length(m) + 1, 0);
}

function actionFee(config: RuntimeConfig, action: Action, sir: boolean): { send: bigint; exec: bigint } {
  const f = config.fees;
  switch (action.type) {
    case "CreateAccount":
      return f.createAccount;
    case "DeployContract": {
      const n = BigInt(action.code.length);
      return { send: f.deployContractBase.send + f.deployContractPerByte.send * n, exec: f.deployContractBase.exec + f.deployContractPerByte.exec * n };
    }
    case "FunctionCall": {
      const n = BigInt(utf8Length(action.methodName) + action.args.length);
      const perByte = sir ? f.functionCallPerByteSir : f.functionCallPerByte;
      return { send: f.functionCallBase.send + perByte.send * n, exec: f.functionCallBase.exec + perByte.exec * n };
    }
    case "Transfer":
      return f.transfer;
    case "Stake":
      return f.stake;
    case "AddKey": {
      if (action.permission.kind === "FullAccess") return f.addKey;
      const n = BigInt(methodNamesBytes(action.permission.methodNames));
      const perByte = sir ? f.addKeyFunctionCallPerByteSir : f.addKeyFunctionCallPerByte;
      return { send: f.addKeyFunctionCall.send + perByte.send * n, exec: f.addKeyFunctionCall.exec + perByte.exec * n };
    }
    case "DeleteKey":
      return f.deleteKey;
    case "DeleteAccount":
      return f.deleteAccount;
  }
}

/** Gas burnt when a receipt with `actions` is created (receipt creation + each action's send fee). */
export function totalSendFees(config: RuntimeConfig, actions: Action[], sir: boolean): bigint {
  let gas = config.fees.actionReceiptCreation.send;
  for (const a of actions) gas += actionFee(config, a, sir).send;
  return gas;
}

/** Gas the receiver burns to execute `actions`, prepaid by the creator (receipt creation + each exec fee). */
export function totalExecFees(config: RuntimeConfig, actions: Action[], sir: boolean): bigint {
  let gas = config.fees.actionReceiptCreation.exec;
  for (const a of actions) gas += actionFee(config, a, sir).exec;
  return gas;
}

/** Exec fee of one action. */
export function execFee(config: RuntimeConfig, action: Action, sir: boolean): bigint {
  return actionFee(config, action, sir).exec;
}

/** Σ gas attached to function calls. */
export function totalPrepaidGas(actions: Action[]): bigint {
  let gas = 0n;
  for (const a of actions) if (a.type === "FunctionCall") gas += a.gas;
  return gas;
}

/** Σ deposits attached (function calls and transfers). */
export function totalDeposit(actions: Action[]): bigint {
  let amount = 0n;
  for (const a of actions) if (a.type === "FunctionCall" || a.type === "Transfer") amount += a.deposit;
  return amount;
}

/** The exec fee of one action split into nearcore's ActionCosts names, for the gas profile. */
export function execFeeProfile(config: RuntimeConfig, action: Action, sir: boolean): [string, bigint][] {
  const f = config.fees;
  switch (action.type) {
    case "CreateAccount":
      return [["CREATE_ACCOUNT", f.createAccount.exec]];
    case "DeployContract":
      return [["DEPLOY_CONTRACT_BASE", f.deployContractBase.exec], ["DEPLOY_CONTRACT_BYTE", f.deployContractPerByte.exec * BigInt(action.code.length)]];
    case "FunctionCall": {
      const perByte = sir ? f.functionCallPerByteSir : f.functionCallPerByte;
      return [["FUNCTION_CALL_BASE", f.functionCallBase.exec], ["FUNCTION_CALL_BYTE", perByte.exec * BigInt(action.methodName.length + action.args.length)]];
    }
    case "Transfer":
      return [["TRANSFER", f.transfer.exec]];
    case "Stake":
      return [["STAKE", f.stake.exec]];
    case "AddKey":
      return [[action.permission.kind === "FullAccess" ? "ADD_FULL_ACCESS_KEY" : "ADD_FUNCTION_CALL_KEY_BASE", f.addKey.exec]];
    case "DeleteKey":
      return [["DELETE_KEY", f.deleteKey.exec]];
    case "DeleteAccount":
      return [["DELETE_ACCOUNT", f.deleteAccount.exec]];
  }
}
