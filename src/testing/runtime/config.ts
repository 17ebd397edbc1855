/**
 * Fee table, limits and defaults of the local runtime.
 *
 * Figures come from nearcore's `core/parameters/res/runtime_configs/parameters.yaml` as summarised in
 * `near-semantics.md` (gas and fees). Everything is overridable per `Chain` so a test can model
 * another protocol version (for example the 1 PGas transaction limit of protocol ≥ 83).
 */

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
  utf16DecodingBase: bigint;
  utf16DecodingByte: bigint;
  /** Loading a contract before a call: base and per byte of its wasm (nearcore `contract_loading_*`). */
  contractLoadingBase: bigint;
  contractLoadingBytes: bigint;
}

/** How the `wasm` engine counts executed operators: nearcore's current rule or the pwasm-utils one (see host/meter/instrument.ts). */
export type WasmOpCounting = "current" | "legacy";

export interface RuntimeConfig {
  /** Price of one gas unit in yoctoNEAR. Constant: gas price changes are not modelled. */
  gasPrice: bigint;
  /** Maximum prepaid gas of one transaction / function call. 300 Tgas (protocol < 83) by default. */
  maxPrepaidGas: bigint;
  /** Maximum gas one function call may burn. */
  maxGasBurnt: bigint;
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
    dataReceiptCreationPerByte: Fee;
    functionCallBase: Fee;
    /** Send cost per byte when the receiver is the sender itself. */
    functionCallPerByteSir: Fee;
    functionCallPerByte: Fee;
    transfer: Fee;
    createAccount: Fee;
    deployContractBase: Fee;
    deployContractPerByte: Fee;
    addKey: Fee;
    deleteKey: Fee;
    deleteAccount: Fee;
    stake: Fee;
  };
  host: HostCosts;
  limits: {
    maxPromisesPerCall: number;
    maxActionsPerReceipt: number;
    maxPromiseAndMembers: number;
    maxLogs: number;
    maxTotalLogBytes: number;
    maxStorageKeyBytes: number;
    maxStorageValueBytes: number;
    maxRegisterBytes: number;
    maxArgsBytes: number;
  };
  /**
   * Gas burnt by running the contract's JavaScript itself (QuickJS start-up plus near-sdk-js), which
   * cannot be measured off-chain. Measured on chain for a minimal near-sdk-js call: about 5.7 Tgas of the
   * 8.4 Tgas such a call burns (near-sdk-js benchmark/README.md). Override per method with
   * `Chain.setExecutionGas`.
   */
  defaultExecutionGas: bigint;
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

/** The default configuration: protocol 84-86 fee table, 300 Tgas per transaction. */
export function defaultRuntimeConfig(): RuntimeConfig {
  return {
    gasPrice: 100_000_000n,
    maxPrepaidGas: 300n * TGAS,
    maxGasBurnt: 300n * TGAS,
    storageAmountPerByte: 10n ** 19n,
    zeroBalanceAccountStorageLimit: 770n,
    accountRecordBytes: 100n,
    storageRecordOverheadBytes: 40n,
    burntGasReward: [3n, 10n],
    fees: {
      actionReceiptCreation: fee(108_059_500_000n),
      dataReceiptCreationBase: fee(36_486_732_312n),
      dataReceiptCreationPerByte: fee(17_212_011n),
      functionCallBase: fee(200_000_000_000n, 780_000_000_000n),
      functionCallPerByteSir: fee(2_235_934n),
      functionCallPerByte: fee(47_683_715n, 2_235_934n),
      transfer: fee(115_123_062_500n),
      createAccount: fee(3_850_000_000_000n),
      deployContractBase: fee(184_765_750_000n),
      deployContractPerByte: fee(6_812_999n, 64_572_944n),
      addKey: fee(101_765_125_000n),
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
      utf16DecodingBase: 3_543_313_050n,
      utf16DecodingByte: 163_577_493n,
      contractLoadingBase: 35_445_963n,
      contractLoadingBytes: 216_750n,
    },
    limits: {
      maxPromisesPerCall: 1024,
      maxActionsPerReceipt: 100,
      maxPromiseAndMembers: 128,
      maxLogs: 100,
      maxTotalLogBytes: 16 * 1024,
      maxStorageKeyBytes: 2048,
      maxStorageValueBytes: 4_194_304,
      maxRegisterBytes: 104_857_600,
      maxArgsBytes: 4_194_304,
    },
    defaultExecutionGas: 5_700_000_000_000n,
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
