/**
 * The real thing: the fixtures built to wasm by `near-sdk-js build` (QuickJS inside wasm, as deployed)
 * and run on a nearcore sandbox through near-workspaces, next to the same flow on the local runtime
 * (both engines). Outcomes must agree: success or failure, panic messages, logs, values, state, and where
 * the deposits end up. Gas is reported, not compared: the local runtime's execution gas is an estimate
 * (docs/differences.md).
 *
 * Needs, and is reported as skipped without: NEAR_SANDBOX_BIN_PATH pointing to a near-sandbox binary,
 * near-sdk-js's wasm toolchain (node_modules/near-sdk-js/lib/cli/deps/qjsc, fetched by near-sdk-js's
 * post-install script, which .npmrc's ignore-scripts skips), and near-workspaces. On a machine with
 * internet: `npm rebuild near-sandbox near-sdk-js --ignore-scripts=false` (downloads both), then
 * `NEAR_SANDBOX_BIN_PATH=$PWD/node_modules/near-sandbox/bin/near-sandbox npm run test:sandbox`.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, parseNEAR, TGAS, type EngineName } from "../../src/testing/index.js";
import { missingPrerequisites, skipLine } from "./prerequisites.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "..", "..");
const FIXTURES = { counter: "counter.ts", pinger: "engines/pinger.ts", ponger: "engines/ponger.ts" } as const;
type FixtureName = keyof typeof FIXTURES;

const missing = missingPrerequisites(repoRoot);
if (missing.length > 0) console.warn(skipLine(missing));
const suite = missing.length > 0 ? describe.skip : describe;

/** What both backends must agree on, per step of the flow. */
interface StepOutcome {
  step: string;
  ok: boolean;
  value?: unknown;
  failure?: string;
  logs: string[];
}

/** The parts of a near-workspaces or local account the flow uses. */
interface FlowAccount {
  accountId: string;
  createSubAccount(prefix: string, options: { initialBalance: bigint }): Promise<FlowAccount>;
  callRaw(contract: FlowAccount, method: string, args: Record<string, unknown>, options?: { gas?: bigint; attachedDeposit?: bigint }): Promise<unknown>;
  view(method: string, args?: Record<string, unknown>): Promise<unknown>;
  /** near-workspaces gives strings, the local runtime bigints. */
  balance(): Promise<{ total: bigint | string }>;
}

interface FlowResult {
  steps: StepOutcome[];
  count: unknown;
  pingResults: unknown;
  pongs: unknown;
  /** What ponger gained: the deposit of the successful ping (+ its share of gas rewards). */
  pongerGain: bigint;
  gas: string[];
}

/** One flow, run unchanged on either backend; `describe` reads a backend's transaction result. */
async function runFlow(
  root: FlowAccount,
  deploy: (account: FlowAccount, name: FixtureName) => Promise<void>,
  describeResult: (step: string, result: unknown) => StepOutcome & { gas: string },
): Promise<FlowResult> {
  const deployed = async (name: FixtureName) => {
    const account = await root.createSubAccount(name, { initialBalance: parseNEAR("30") });
    await deploy(account, name);
    return account;
  };
  const counter = await deployed("counter");
  const pinger = await deployed("pinger");
  const ponger = await deployed("ponger");
  const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("30") });
  const total = async (a: FlowAccount) => BigInt((await a.balance()).total);
  const pongerBefore = await total(ponger);
  const steps: (StepOutcome & { gas: string })[] = [];
  const step = async (name: string, run: () => Promise<unknown>) => steps.push(describeResult(name, await run()));
  await step("increment", () => alice.callRaw(counter, "increment", {}));
  await step("increment by 5", () => alice.callRaw(counter, "increment", { by: 5 }));
  await step("fail_after_write", () => alice.callRaw(counter, "fail_after_write", { message: "nope" }));
  await step("deposit to a non-payable method", () => alice.callRaw(counter, "increment", {}, { attachedDeposit: 1n }));
  await step("ping", () => alice.callRaw(pinger, "ping", { target: ponger.accountId }, { attachedDeposit: parseNEAR("1"), gas: 100n * TGAS }));
  await step("ping a failing pong", () =>
    alice.callRaw(pinger, "ping", { target: ponger.accountId, fail: true }, { attachedDeposit: parseNEAR("2"), gas: 100n * TGAS }),
  );
  return {
    steps: steps.map(({ gas: _gas, ...rest }) => rest),
    gas: steps.map((s) => `${s.step}: ${s.gas}`),
    count: await counter.view("get"),
    pingResults: await pinger.view("get_results"),
    pongs: await ponger.view("get_pongs"),
    pongerGain: (await total(ponger)) - pongerBefore,
  };
}

function headline(message: string | undefined): string | undefined {
  return message?.split("\n")[0];
}

/** A successful transaction's parsed return value (undefined when it failed or is not parseable). */
function returnValue(r: { succeeded: boolean; parseResult(): unknown }): unknown {
  if (!r.succeeded) return undefined;
  try {
    return r.parseResult();
  } catch {
    return undefined;
  }
}

async function localFlow(engine: EngineName): Promise<FlowResult> {
  const worker = await Worker.init({ engine });
  return runFlow(
    worker.rootAccount as unknown as FlowAccount,
    async (account, name) => {
      await (account as unknown as { deploy(p: string): Promise<unknown> }).deploy(path.join(here, "..", "fixtures", FIXTURES[name]));
    },
    (step, raw) => {
      const r = raw as import("../../src/testing/index.js").TransactionResult;
      const value = returnValue(r);
      const gas = r.outcomes.reduce((sum, o) => sum + o.gasBurnt, 0n);
      return { step, ok: r.succeeded, value, failure: headline(r.failureMessage), logs: r.logs, gas: gas.toString() };
    },
  );
}

/** The panic text inside near-workspaces' JSON failure: `{"ActionError":{...{"ExecutionError":"..."}}}`. */
function sandboxFailure(failures: string[]): string | undefined {
  for (const f of failures) {
    const m = /"ExecutionError":"((?:[^"\\]|\\.)*)"/.exec(f);
    if (m) return headline(JSON.parse(`"${m[1]}"`) as string);
    const kind = /"(\w+)":\{[^{}]*\}\}*$/.exec(f);
    if (kind) return kind[1];
  }
  return failures.length > 0 ? failures[0] : undefined;
}

suite("near-workspaces sandbox", () => {
  let work: string;
  let binDir: string;
  const wasm = {} as Record<FixtureName, string>;

  beforeAll(() => {
    // near-sdk-js build runs from a project root (node_modules/near-sdk-js, tsc) and writes build/ there.
    work = mkdtempSync(path.join(os.tmpdir(), "ncg-sandbox-"));
    symlinkSync(path.join(repoRoot, "node_modules"), path.join(work, "node_modules"), "dir");
    mkdirSync(path.join(work, "src"));
    writeFileSync(path.join(work, "package.json"), JSON.stringify({ name: "ncg-sandbox-build", type: "module", private: true }));
    writeFileSync(path.join(work, "tsconfig.json"), JSON.stringify({ compilerOptions: { experimentalDecorators: true, target: "es2020" } }));
    for (const [name, file] of Object.entries(FIXTURES) as [FixtureName, string][]) {
      copyFileSync(path.join(here, "..", "fixtures", file), path.join(work, "src", `${name}.ts`));
      execFileSync("npx", ["near-sdk-js", "build", `src/${name}.ts`, `build/${name}.wasm`], { cwd: work, stdio: "pipe" });
      wasm[name] = path.join(work, "build", `${name}.wasm`);
      expect(existsSync(wasm[name])).toBe(true);
    }
    // near-sandbox looks for a file named near-sandbox in NEAR_SANDBOX_BINARY_PATH.
    binDir = mkdtempSync(path.join(os.tmpdir(), "ncg-sandbox-bin-"));
    symlinkSync(path.resolve(process.env.NEAR_SANDBOX_BIN_PATH!), path.join(binDir, "near-sandbox"));
    process.env.NEAR_SANDBOX_BINARY_PATH = binDir;
  }, 600_000);

  afterAll(() => {
    for (const dir of [work, binDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the flow gives the same outcomes on the sandbox and on the local runtime (vm and quickjs)", async () => {
    const nw = (await import("near-workspaces")) as typeof import("near-workspaces") & { default?: typeof import("near-workspaces") };
    const SandboxWorker = nw.Worker ?? nw.default!.Worker;
    const worker = await SandboxWorker.init();
    let onSandbox: FlowResult;
    try {
      onSandbox = await runFlow(
        worker.rootAccount as unknown as FlowAccount,
        async (account, name) => {
          await (account as unknown as import("near-workspaces").NearAccount).deploy(wasm[name]);
        },
        (step, raw) => {
          const r = raw as import("near-workspaces").TransactionResult;
          let value = returnValue(r);
          // An empty return value parses to "" in near-workspaces and to undefined locally.
          if (value === "") value = undefined;
          return { step, ok: r.succeeded, value, failure: r.succeeded ? undefined : sandboxFailure(r.receiptFailureMessages), logs: r.logs, gas: r.gas_burnt };
        },
      );
    } finally {
      await worker.tearDown();
    }
    const onVm = await localFlow("vm");
    const onQuickJS = await localFlow("quickjs");
    console.log(["gas burnt per transaction (sandbox | local vm):", ...onSandbox.gas.map((g, i) => `  ${g} | ${onVm.gas[i].split(": ")[1]}`)].join("\n"));

    for (const local of [onVm, onQuickJS]) {
      expect(local.steps).toEqual(onSandbox.steps);
      expect(local.count).toEqual(onSandbox.count);
      expect(local.pingResults).toEqual(onSandbox.pingResults);
      expect(local.pongs).toEqual(onSandbox.pongs);
    }
    // ponger keeps the 1 NEAR of the successful ping, plus a small share of the gas it burnt.
    for (const gain of [onSandbox.pongerGain, onVm.pongerGain, onQuickJS.pongerGain]) {
      expect(gain).toBeGreaterThanOrEqual(parseNEAR("1"));
      expect(gain).toBeLessThan(parseNEAR("1.01"));
    }
  }, 600_000);
});
