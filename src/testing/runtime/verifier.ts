/**
 * nearcore's verifier (runtime/runtime/src/verifier.rs), for what the local runtime models: the actions of a
 * transaction are validated before it is accepted, then its size; a receipt a call creates is validated
 * after the call, its size first, then its input data dependencies, then its actions. The first violation
 * wins, in nearcore's order, and is described the way nearcore's error prints it.
 */
import type { RuntimeLimits } from "./config.js";
import type { Action } from "./types.js";
import { isValidAccountId } from "./account-id.js";
import { totalPrepaidGas, utf8Length } from "./fees.js";
import { receiptSize, transactionSize, type ReceiptShape, type TransactionShape } from "./borsh-size.js";

/** A limit or rule a transaction or a new receipt breaks. */
export interface Violation {
  /** nearcore's error name, e.g. `TotalPrepaidGasExceeded`, `ReceiptSizeExceeded`. */
  name: string;
  /** The error as nearcore prints it, e.g. `ActionsValidation(TotalPrepaidGasExceeded { total_prepaid_gas: 1, limit: 0 })`. */
  message: string;
  /** What to do about it. */
  hint: string;
}

function violation(name: string, fields: Record<string, string | number | bigint> | null, hint: string, wrap?: string): Violation {
  const body = fields === null ? name : `${name} { ${Object.entries(fields).map(([k, v]) => (typeof v === "string" ? `${k}: ${JSON.stringify(v)}` : `${k}: ${v}`)).join(", ")} }`;
  return { name, message: wrap ? `${wrap}(${body})` : body, hint };
}

/** nearcore's `validate_actions`: number of actions, each action, then the total prepaid gas. */
export function validateActions(limits: RuntimeLimits, actions: readonly Action[]): Violation | null {
  const wrap = "ActionsValidation";
  if (actions.length > limits.maxActionsPerReceipt) {
    return violation("TotalNumberOfActionsExceeded", { total_number_of_actions: actions.length, limit: limits.maxActionsPerReceipt }, `split the actions into receipts of at most ${limits.maxActionsPerReceipt}`, wrap);
  }
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i];
    if (a.type === "DeleteAccount" && i !== actions.length - 1) return violation("DeleteActionMustBeFinal", null, "make DeleteAccount the last action of its receipt", wrap);
    const found = validateAction(limits, a);
    if (found) return { ...found, message: `${wrap}(${found.message})` };
  }
  const gas = totalPrepaidGas(actions as Action[]);
  if (gas > limits.maxTotalPrepaidGas) {
    return violation("TotalPrepaidGasExceeded", { total_prepaid_gas: gas, limit: limits.maxTotalPrepaidGas }, `attach at most ${limits.maxTotalPrepaidGas} gas in total (limits.maxTotalPrepaidGas; 1 PGas from protocol 83)`, wrap);
  }
  return null;
}

/** nearcore's `validate_action` for the actions the local runtime has. */
function validateAction(limits: RuntimeLimits, a: Action): Violation | null {
  switch (a.type) {
    case "DeployContract":
      if (a.code.length > limits.maxContractSize) return violation("ContractSizeExceeded", { size: a.code.length, limit: limits.maxContractSize }, "deploy a smaller contract");
      return null;
    case "FunctionCall": {
      if (a.gas === 0n) return violation("FunctionCallZeroAttachedGas", null, "attach gas to every function call");
      const length = utf8Length(a.methodName);
      if (length > limits.maxLengthMethodName) {
        return violation("FunctionCallMethodNameLengthExceeded", { length, limit: limits.maxLengthMethodName }, `method names are at most ${limits.maxLengthMethodName} bytes`);
      }
      if (a.args.length > limits.maxArgumentsLength) {
        return violation("FunctionCallArgumentsLengthExceeded", { length: a.args.length, limit: limits.maxArgumentsLength }, `arguments are at most ${limits.maxArgumentsLength} bytes`);
      }
      return null;
    }
    case "AddKey": {
      const p = a.permission;
      if (p.kind !== "FunctionCall") return null;
      if (!isValidAccountId(p.receiverId)) return violation("InvalidAccountId", { account_id: p.receiverId }, "give the key a valid receiver account id");
      let total = 0;
      for (const m of p.methodNames) {
        const length = utf8Length(m);
        if (length > limits.maxLengthMethodName) {
          return violation("AddKeyMethodNameLengthExceeded", { length, limit: limits.maxLengthMethodName }, `method names are at most ${limits.maxLengthMethodName} bytes`);
        }
        total += length + 1;
      }
      if (total > limits.maxNumberBytesMethodNames) {
        return violation(
          "AddKeyMethodNamesNumberOfBytesExceeded",
          { total_number_of_bytes: total, limit: limits.maxNumberBytesMethodNames },
          `a key's method names take at most ${limits.maxNumberBytesMethodNames} bytes, one more per name: allow fewer methods, or any method (no names)`,
        );
      }
      return null;
    }
    case "DeleteAccount":
      if (!isValidAccountId(a.beneficiaryId)) return violation("InvalidAccountId", { account_id: a.beneficiaryId }, "name a valid beneficiary");
      return null;
    default:
      return null;
  }
}

/**
 * nearcore's `validate_transaction`: its actions, then its size (`InvalidTxError::TransactionSizeExceeded`,
 * the signature not counted).
 */
export function validateTransaction(limits: RuntimeLimits, tx: TransactionShape): Violation | null {
  const found = validateActions(limits, tx.actions);
  if (found) return found;
  const size = transactionSize(tx);
  if (size > limits.maxTransactionSize) {
    return violation("TransactionSizeExceeded", { size, limit: limits.maxTransactionSize }, `a transaction is at most ${limits.maxTransactionSize} bytes: send large data in several transactions`);
  }
  return null;
}

/**
 * nearcore's `validate_receipt` for a receipt a call just created (`ValidateReceiptMode::NewReceipt`): its
 * size, its input data dependencies, then its actions. A violation fails the creating receipt with
 * `NewReceiptValidationError`.
 */
export function validateNewReceipt(limits: RuntimeLimits, receipt: ReceiptShape): Violation | null {
  const size = receiptSize(receipt);
  if (size > limits.maxReceiptSize) {
    return violation("ReceiptSizeExceeded", { size, limit: limits.maxReceiptSize }, `a receipt is at most ${limits.maxReceiptSize} bytes: pass less data to the call`);
  }
  if (receipt.inputDataIds > limits.maxNumberInputDataDependencies) {
    return violation(
      "NumberInputDataDependenciesExceeded",
      { number_of_input_data_dependencies: receipt.inputDataIds, limit: limits.maxNumberInputDataDependencies },
      `a callback waits for at most ${limits.maxNumberInputDataDependencies} promises`,
    );
  }
  return validateActions(limits, receipt.actions);
}
