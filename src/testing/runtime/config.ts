/**
 * Fee table, limits and defaults of the local runtime.
 *
 * Figures come from nearcore's `core/parameters/res/runtime_configs/parameters.yaml` and its resolved
 * snapshots (protocol 84-86) as summarised in `near-semantics.md`. Everything is overridable per `Chain`
 * so a test can model another protocol version (for example the 1 PGas limits of protocol ≥ 83:
 * `Worker.init({ config: { limits: PROTOCOL_83_GAS_LIMITS } })`).
 */
import { NEAR_SDK_JS_2_EXECUTION_GAS, type ExecutionGasModel } from "./execution-gas.js";

/** Send / exec cost pair of an action fee, in gas units. */
export interface Fee {
  /** Burnt by the account that creates the receipt, when it creates it. */
  send: bigint;
  /** Reserved by the creator, burnt by the receiver when it executes the receipt. */
  exec: bigint;
}

/** Costs charged for host functions (wasm-side costs of `env`). */
export interface HostCosts {
  base: bigint;
  storageWriteBase: bigint;
  storageWriteKeyByte: bigint;
  storageWriteValueByte: bigint;
  storageWriteEvictedByte: bigint;
  storageReadBase: bigint;
  storageReadKeyByte: bigint;
  storageReadValueByte: bigint;
  storageRemoveBase: bigint;
  storageRemoveKeyByte: bigint;
  storageRemoveRetValueByte: bigint;
  storageHasKeyBase: bigint;
  storageHasKeyByte: bigint;
  touchingTrieNode: bigint;
  readRegisterBase: bigint;
  readRegisterByte: bigint;
  writeRegisterBase: bigint;
  writeRegisterByte: bigint;
  logBase: bigint;
  logByte: bigint;
  utf8DecodingBase: bigint;
  utf8DecodingByte: bigint;
  utf16DecodingBase: bigint;
  utf16DecodingByte: bigint;
  sha256Base: bigint;
  sha256Byte: bigint;
  keccak256Base: bigint;
  keccak256Byte: bigint;
  keccak512Base: bigint;
  keccak512Byte: bigint;
  ripemd160Base: bigint;
  ripemd160Block: bigint;
  ecrecoverBase: bigint;
  altBn128Base: bigint;
  promiseAndBase: bigint;
  promiseAndPerPromise: bigint;
  promiseReturn: bigint;
  validatorStakeBase: bigint;
  /** Reading contract memory (the `wasm` engine's raw host functions). */
  readMemoryBase: bigint;
  readMemoryByte: bigint;
  /** Writing contract memory (the `wasm` engine's raw host functions). */
  writeMemoryBase: bigint;
  writeMemoryByte: bigint;
  /** Loading a contract before a call: base and per byte of its wasm (nearcore `contract_loading_*`). */
  contractLoadingBase: bigint;
  contractLoadingBytes: bigint;
}

/**
 * nearcore's `limit_config`, with its names in camelCase. Each limit is checked where nearcore checks it,
 * with nearcore's error: host functions (VMLogic) fail the call with a host error, the actions of a
 * transaction are validated before it is accepted (an `InvalidTxError` is thrown and nothing is queued),
 * and the receipts a call creates are validated after the call (the receipt fails with
 * `NewReceiptValidationError`). Override any of them to model another protocol version:
 * `Worker.init({ config: { limits: { maxTotalLogLength: 8192 } } })`.
 */
export interface RuntimeLimits {
  /**
   * `max_gas_burnt`: gas one function call may burn (GasLimitExceeded beyond it). 300 Tgas by default
   * (protocol < 83); 1 PGas from protocol 83.
   */
  maxGasBurnt: bigint;
  /**
   * `max_total_prepaid_gas`: gas all function calls of one transaction or receipt may attach together
   * (`ActionsValidation(TotalPrepaidGasExceeded)`). 300 Tgas by default (protocol < 83, what most tooling
   * assumes); 1 PGas from protocol 83 ({@link PROTOCOL_83_GAS_LIMITS}).
   */
  maxTotalPrepaidGas: bigint;
  /** `max_actions_per_receipt`: actions in one transaction or receipt (`TotalNumberOfActionsExceeded`). */
  maxActionsPerReceipt: number;
  /**
   * `max_number_bytes_method_names`: Σ (length + 1) of the method names of a function-call access key
   * (`AddKeyMethodNamesNumberOfBytesExceeded`).
   */
  maxNumberBytesMethodNames: number;
  /**
   * `max_length_method_name`: bytes of a function call's method name (`FunctionCallMethodNameLengthExceeded`)
   * and of each method name of a function-call access key (`AddKeyMethodNameLengthExceeded`).
   */
  maxLengthMethodName: number;
  /** `max_arguments_length`: bytes of a function call's arguments (`FunctionCallArgumentsLengthExceeded`). */
  maxArgumentsLength: number;
  /** `max_length_returned_data`: bytes a call may return with `value_return` (`ReturnedValueLengthExceeded`). */
  maxLengthReturnedData: number;
  /** `max_contract_size`: bytes of deployed code (`ContractSizeExceeded`). */
  maxContractSize: number;
  /**
   * `max_transaction_size`: borsh size of a transaction (`TransactionSizeExceeded`), checked after its
   * actions. 1.5 MiB since protocol 68: a transaction cannot carry arguments anywhere near
   * `maxArgumentsLength`.
   */
  maxTransactionSize: number;
  /**
   * `max_receipt_size`: borsh size of a receipt a call creates (`ReceiptSizeExceeded`), checked before its
   * actions. 4 MiB since protocol 69 (the local size follows nearcore's receipt layout; see
   * docs/differences.md).
   */
  maxReceiptSize: number;
  /** `max_length_storage_key`: bytes of a storage key (`KeyLengthExceeded`). */
  maxLengthStorageKey: number;
  /** `max_length_storage_value`: bytes of a storage value (`ValueLengthExceeded`). */
  maxLengthStorageValue: number;
  /** `max_promises_per_function_call_action`: promises one call may create, joint ones included (`NumberPromisesExceeded`). */
  maxPromisesPerFunctionCallAction: number;
  /** `max_number_input_data_dependencies`: members of a `promise_and`, nested ones counted (`NumberInputDataDependenciesExceeded`). */
  maxNumberInputDataDependencies: number;
  /** `max_number_logs`: logs of one call (`NumberOfLogsExceeded`). */
  maxNumberLogs: number;
  /** `max_total_log_length`: bytes of all logs of one call, and of a panic message (`TotalLogLengthExceeded`). */
  maxTotalLogLength: number;
  /** `max_number_registers`: registers one call may use (`MemoryAccessViolation`). */
  maxNumberRegisters: number;
  /** `max_register_size`: bytes of one register (`MemoryAccessViolation`). */
  maxRegisterSize: number;
  /** `registers_memory_limit`: Σ (8 + length) over all registers of one call (`MemoryAccessViolation`). */
  registersMemoryLimit: number;
}

/** What a test may override: any field, and any single limit (the other limits keep their defaults). */
export type RuntimeConfigOverrides = Partial<Omit<RuntimeConfig, "limits">> & { limits?: Partial<RuntimeLimits> };
/** How the `wasm` engine counts executed operators: nearcore's current rule or the pwasm-utils one (see host/meter/instrument.ts). */
export type WasmOpCounting = "current" | "legacy";

export interface RuntimeConfig {
  /** Price of one gas unit in yoctoNEAR. Constant: gas price changes are not modelled. */
  gasPrice: bigint;
  /** Cost of storing one byte, in yoctoNEAR (10^19). */
  storageAmountPerByte: bigint;
  /** Accounts whose storage usage is at most this many bytes need no balance for storage (zero-balance accounts). */
  zeroBalanceAccountStorageLimit: bigint;
  /** Bytes charged per account record. */
  accountRecordBytes: bigint;
  /** Bytes charged per storage record on top of key and value. */
  storageRecordOverheadBytes: bigint;
  /** Fraction of the gas burnt by a function call that goes to the receiver as a reward (numerator / denominator). */
  burntGasReward: [bigint, bigint];
  fees: {
    actionReceiptCreation: Fee;
    dataReceiptCreationBase: Fee;
    /** Per byte of returned data, for each receiver that is another account. */
    dataReceiptCreationPerByte: Fee;
    /** Per byte of returned data, for each receiver that is the returning account itself. */
    dataReceiptCreationPerByteSir: Fee;
    functionCallBase: Fee;
    /** Send cost per byte when the receiver is the sender itself. */
    functionCallPerByteSir: Fee;
    functionCallPerByte: Fee;
    transfer: Fee;
    createAccount: Fee;
    deployContractBase: Fee;
    deployContractPerByte: Fee;
    /** AddKey with a full-access permission. */
    addKey: Fee;
    /** AddKey with a function-call permission: base fee. */
    addKeyFunctionCall: Fee;
    /** AddKey with a function-call permission: per byte of its method names (each name + 1), to another account. */
    addKeyFunctionCallPerByte: Fee;
    /** The same per byte, when the key is added to the sending account itself. */
    addKeyFunctionCallPerByteSir: Fee;
    deleteKey: Fee;
    deleteAccount: Fee;
    stake: Fee;
  };
  host: HostCosts;
  /** nearcore's `limit_config`, enforced where nearcore enforces each one (see {@link RuntimeLimits}). */
  limits: RuntimeLimits;
  /**
   * On `vm` and `quickjs`: how much gas running the contract's JavaScript itself burns per call (QuickJS
   * start-up, loading the bundle, near-sdk-js), which those engines cannot meter. By default estimated per
   * contract from its size (`executionGasModel`, calibrated on the `wasm` engine); set a number to charge
   * every call that flat amount instead (earlier versions charged a flat 5.7 Tgas). Per method: `Chain.setExecutionGas`.
   * The `wasm` engine meters the real instructions and ignores both.
   */
  defaultExecutionGas?: bigint;
  /** The per-contract estimate `defaultExecutionGas` falls back to (near-sdk-js 2.0, see `runtime/execution-gas.ts`). */
  executionGasModel: ExecutionGasModel;
  /** Gas per executed wasm operator (nearcore `wasm_regular_op_cost`), on the `wasm` engine. */
  wasmRegularOpCost: bigint;
  /**
   * Which operators the `wasm` engine counts: `current` (nearcore since protocol 62: every operator but `block`,
   * `end` and `else`) or `legacy` (pwasm-utils, before: `block` counted too), to compare with figures published
   * before the change such as near-sdk-js's 2023 benchmark.
   */
  wasmOpCounting: WasmOpCounting;
  /** Memory a wasm contract gets, in 64 KiB pages (nearcore: 1,024 initial, 2,048 maximum). */
  wasmMemoryPages: { initial: number; maximum: number };
  /**
   * Wall-clock budget of one function call: a call that runs longer is treated as gas exhaustion (a
   * contract stuck in a pure-JavaScript loop). 0 turns the `vm` engine's watchdog off, which saves a thread
   * start per call (about 0.15 ms) but lets such a loop hang the test.
   */
  executionTimeoutMs: number;
  /** First block height and timestamp (ns) of a new chain; each block adds one height and `blockTimeNs`. */
  genesisHeight: bigint;
  genesisTimestampNs: bigint;
  blockTimeNs: bigint;
  epochLength: bigint;
}

const fee = (send: bigint, exec: bigint = send): Fee => ({ send, exec });

/** One teragas. */
export const TGAS = 1_000_000_000_000n;
/** One NEAR in yoctoNEAR. */
export const ONE_NEAR = 10n ** 24n;

/** The default configuration: protocol 84-86 fee table and limits, with the 300 Tgas gas limits of protocol < 83. */
export function defaultRuntimeConfig(): RuntimeConfig {
  return {
    gasPrice: 100_000_000n,
    storageAmountPerByte: 10n ** 19n,
    zeroBalanceAccountStorageLimit: 770n,
    accountRecordBytes: 100n,
    storageRecordOverheadBytes: 40n,
    burntGasReward: [3n, 10n],
    fees: {
      actionReceiptCreation: fee(108_059_500_000n),
      dataReceiptCreationBase: fee(36_486_732_312n),
      dataReceiptCreationPerByte: fee(47_683_715n, 17_212_011n),
      dataReceiptCreationPerByteSir: fee(17_212_011n),
      functionCallBase: fee(200_000_000_000n, 780_000_000_000n),
      functionCallPerByteSir: fee(2_235_934n),
      functionCallPerByte: fee(47_683_715n, 2_235_934n),
      transfer: fee(115_123_062_500n),
      createAccount: fee(3_850_000_000_000n),
      deployContractBase: fee(184_765_750_000n),
      deployContractPerByte: fee(6_812_999n, 64_572_944n),
      addKey: fee(101_765_125_000n),
      addKeyFunctionCall: fee(102_217_625_000n),
      addKeyFunctionCallPerByte: fee(47_683_715n, 1_925_331n),
      addKeyFunctionCallPerByteSir: fee(1_925_331n),
      deleteKey: fee(94_946_625_000n),
      deleteAccount: fee(147_489_000_000n),
      stake: fee(141_715_687_500n),
    },
    host: {
      base: 264_768_111n,
      storageWriteBase: 64_196_736_000n,
      storageWriteKeyByte: 70_482_867n,
      storageWriteValueByte: 31_018_539n,
      storageWriteEvictedByte: 32_117_307n,
      storageReadBase: 56_356_845_749n,
      storageReadKeyByte: 30_952_533n,
      storageReadValueByte: 5_611_004n,
      storageRemoveBase: 53_473_030_500n,
      storageRemoveKeyByte: 38_220_384n,
      storageRemoveRetValueByte: 11_531_556n,
      storageHasKeyBase: 54_039_896_625n,
      storageHasKeyByte: 30_790_845n,
      touchingTrieNode: 2_280_000_000n,
      readRegisterBase: 2_517_165_186n,
      readRegisterByte: 98_562n,
      writeRegisterBase: 2_865_522_486n,
      writeRegisterByte: 3_801_564n,
      logBase: 3_543_313_050n,
      logByte: 13_198_791n,
      utf8DecodingBase: 3_111_779_061n,
      utf8DecodingByte: 291_580_479n,
      utf16DecodingBase: 3_543_313_050n,
      utf16DecodingByte: 163_577_493n,
      sha256Base: 4_540_970_250n,
      sha256Byte: 24_117_351n,
      keccak256Base: 5_879_491_275n,
      keccak256Byte: 21_471_105n,
      keccak512Base: 5_811_388_236n,
      keccak512Byte: 36_649_701n,
      ripemd160Base: 853_675_086n,
      ripemd160Block: 680_107_584n,
      ecrecoverBase: 278_821_988_457n,
      altBn128Base: 16_548_770_000n,
      promiseAndBase: 1_465_013_400n,
      promiseAndPerPromise: 5_452_176n,
      promiseReturn: 560_152_386n,
      validatorStakeBase: 911_834_726_400n,
      readMemoryBase: 2_609_863_200n,
      readMemoryByte: 3_801_333n,
      writeMemoryBase: 2_803_794_861n,
      writeMemoryByte: 2_723_772n,
      contractLoadingBase: 35_445_963n,
      contractLoadingBytes: 216_750n,
    },
    limits: {
      maxGasBurnt: 300n * TGAS,
      maxTotalPrepaidGas: 300n * TGAS,
      maxActionsPerReceipt: 100,
      maxNumberBytesMethodNames: 2_000,
      maxLengthMethodName: 256,
      maxArgumentsLength: 4_194_304,
      maxLengthReturnedData: 4_194_304,
      maxContractSize: 4_194_304,
      maxTransactionSize: 1_572_864,
      maxReceiptSize: 4_194_304,
      maxLengthStorageKey: 2_048,
      maxLengthStorageValue: 4_194_304,
      maxPromisesPerFunctionCallAction: 1_024,
      maxNumberInputDataDependencies: 128,
      maxNumberLogs: 100,
      maxTotalLogLength: 16_384,
      maxNumberRegisters: 100,
      maxRegisterSize: 104_857_600,
      registersMemoryLimit: 1_073_741_824,
    },
    executionGasModel: NEAR_SDK_JS_2_EXECUTION_GAS,
    wasmRegularOpCost: 822_756n,
    wasmOpCounting: "current",
    wasmMemoryPages: { initial: 1024, maximum: 2048 },
    executionTimeoutMs: 2_000,
    genesisHeight: 100n,
    genesisTimestampNs: 1_700_000_000_000_000_000n,
    blockTimeNs: 1_000_000_000n,
    epochLength: 43_200n,
  };
}

/**
 * The gas limits of protocol ≥ 83: 1 PGas per transaction and per function call (nearcore's
 * `runtime_configs/83.yaml` raised `max_total_prepaid_gas` and `max_gas_burnt` together).
 * @example const worker = await Worker.init({ config: { limits: PROTOCOL_83_GAS_LIMITS } });
 */
export const PROTOCOL_83_GAS_LIMITS: Readonly<Pick<RuntimeLimits, "maxGasBurnt" | "maxTotalPrepaidGas">> = Object.freeze({
  maxGasBurnt: 1_000n * TGAS,
  maxTotalPrepaidGas: 1_000n * TGAS,
});

/**
 * The full configuration for a set of overrides: every field not given keeps its default, and so does
 * every limit not given.
 * @example const config = resolveRuntimeConfig({ limits: { maxNumberLogs: 10 } });
 */
export function resolveRuntimeConfig(overrides: RuntimeConfigOverrides = {}): RuntimeConfig {
  const defaults = defaultRuntimeConfig();
  return { ...defaults, ...overrides, limits: { ...defaults.limits, ...overrides.limits } };
}
