/**
 * The `quickjs` engine against the `vm` engine: contracts that rely on V8-only globals fail under quickjs
 * (as on chain) with a message that says why; everything else gives the same outcomes on both engines
 * (status, logs, gas burnt, balances, storage), including aborts a contract tries to swallow, loops that
 * run out of gas, promise jobs and fresh state per receipt.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, Chain, TGAS, parseNEAR, type TransactionResult, type ExecutionOutcome, type RuntimeConfig } from "../../src/testing/index.js";
import { resolveEngine, withMissingGlobalHint, ENGINE_ENV_VAR, type EngineName } from "../../src/testing/loader/engines.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => path.join(here, "..", "fixtures", name);
const ENGINES: EngineName[] = ["vm", "quickjs"];
const dec = new TextDecoder();

/** The first line of a failure message (stack frames differ between engines by design). */
function headline(message: string | undefined): string | undefined {
  return message?.split("\n")[0];
}

function statusOf(o: ExecutionOutcome): string {
  switch (o.status.type) {
    case "SuccessValue":
      return `value ${dec.decode(o.status.value)}`;
    case "SuccessReceiptId":
      return `receipt ${o.status.receiptId}`;
    default:
      return `failure ${o.status.failure.kind}: ${headline(o.status.failure.message)}`;
  }
}

/** Everything observable about a transaction except panic stack frames. */
function summarize(result: TransactionResult) {
  return result.outcomes.map((o) => ({
    id: o.id,
    executor: o.executorId,
    method: o.methodName,
    origin: o.origin,
    height: o.blockHeight.toString(),
    status: statusOf(o),
    logs: o.logs,
    gasBurnt: o.gasBurnt.toString(),
    tokensBurnt: o.tokensBurnt.toString(),
  }));
}

/** Balances, storage usage and storage of accounts, as strings. */
function accounts(worker: Worker, ids: string[]) {
  return Object.fromEntries(
    ids.map((id) => {
      const a = worker.chain.account(id);
      return [
        id,
        a
          ? {
              amount: a.amount.toString(),
              locked: a.locked.toString(),
              storageUsage: worker.chain.storageUsage(id).toString(),
              storage: [...a.storage.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => `${k}=${dec.decode(v)}`),
            }
          : null,
      ];
    }),
  );
}

async function init(engine: EngineName, config: Partial<RuntimeConfig> = {}): Promise<Worker> {
  const worker = await Worker.init({ engine, config });
  expect(worker.chain.engine).toBe(engine);
  return worker;
}

describe("V8-only globals", () => {
  test("a contract using Intl.NumberFormat works under vm", async () => {
    const worker = await init("vm");
    const contract = await worker.rootAccount.devDeploy(fixture("engines/v8-only.ts"));
    const result = await worker.rootAccount.callRaw(contract, "format_amount", { amount: 1234567 });
    expect(result.succeeded).toBe(true);
    expect(result.parseResult()).toBe("1,234,567");
    expect(result.logs).toEqual(["formatted 1,234,567"]);
  });

  test("the same call fails under quickjs, and the panic says Intl does not exist there", async () => {
    const worker = await init("quickjs");
    const contract = await worker.rootAccount.devDeploy(fixture("engines/v8-only.ts"));
    const result = await worker.rootAccount.callRaw(contract, "format_amount", { amount: 1234567 });
    expect(result.failed).toBe(true);
    expect(headline(result.failureMessage)).toBe(
      "Smart contract panicked: 'Intl' is not defined (Intl is not available in QuickJS, the engine near-sdk-js contracts run in on chain)",
    );
    expect(result.logs).toEqual([]);
    expect((await contract.viewState()).get("STATE")).toBeUndefined();
  });

  test("WeakRef: works under vm, fails under quickjs with the hint", async () => {
    const vmWorker = await init("vm");
    const onVm = await vmWorker.rootAccount.devDeploy(fixture("engines/v8-only.ts"));
    expect(await onVm.view("weak_ref")).toBe(true);

    const qjsWorker = await init("quickjs");
    const onQjs = await qjsWorker.rootAccount.devDeploy(fixture("engines/v8-only.ts"));
    await expect(onQjs.view("weak_ref")).rejects.toThrow(
      "'WeakRef' is not defined (WeakRef is not available in QuickJS, the engine near-sdk-js contracts run in on chain)",
    );
  });

  test.each(ENGINES)("TextEncoder exists in neither engine (%s), and the panic says so", async (engine) => {
    const worker = await init(engine);
    const contract = await worker.rootAccount.devDeploy(fixture("engines/v8-only.ts"));
    await expect(contract.view("encode_text", { text: "abc" })).rejects.toThrow(/TextEncoder'? is not defined \(TextEncoder is not available in QuickJS/);
    expect(await contract.view("plain", { text: "abc" })).toBe("ABC");
  });

  test("the hint is only added for known globals", () => {
    expect(withMissingGlobalHint("'Intl' is not defined")).toMatch(/Intl is not available in QuickJS/);
    expect(withMissingGlobalHint("Buffer is not defined")).toMatch(/Buffer is not available in QuickJS/);
    expect(withMissingGlobalHint("'myHelper' is not defined")).toBe("'myHelper' is not defined");
    expect(withMissingGlobalHint("something else")).toBe("something else");
  });
});

describe("same outcomes on both engines", () => {
  async function counterFlow(engine: EngineName) {
    const worker = await init(engine);
    const root = worker.rootAccount;
    const counter = await root.devDeploy(fixture("counter.ts"));
    const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("10") });
    const results = [
      await alice.callRaw(counter, "increment", {}),
      await alice.callRaw(counter, "increment", { by: 5 }, { attachedDeposit: 1n }),
      await alice.callRaw(counter, "fail_after_write", { message: "nope" }),
      await alice.callRaw(counter, "increment", { by: 2 }, { gas: 10n * TGAS }),
      await alice.callRaw(counter, "no_such_method", {}),
    ];
    return {
      results: results.map(summarize),
      view: await counter.view("get"),
      accounts: accounts(worker, [root.accountId, alice.accountId, counter.accountId]),
      burnt: worker.chain.burntYocto.toString(),
      trace: worker.trace({ logs: true }),
    };
  }

  test("counter: calls, a panic after a write, a missing method", async () => {
    const onVm = await counterFlow("vm");
    const onQjs = await counterFlow("quickjs");
    expect(onQjs).toEqual(onVm);
    // 1, then a refused deposit (increment is not payable), a rolled-back panic, +2.
    expect(onVm.view).toBe(3);
    expect(onVm.results[1][1].status).toMatch(/^failure \w+: Smart contract panicked: Function is not payable$/);
    expect(onVm.results[2][1].status).toMatch(/^failure \w+: Smart contract panicked: nope$/);
  });

  async function pingPongFlow(engine: EngineName) {
    const worker = await init(engine);
    const root = worker.rootAccount;
    const pinger = await root.devDeploy(fixture("engines/pinger.ts"));
    const ponger = await root.devDeploy(fixture("engines/ponger.ts"));
    const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("10") });
    const ok = await alice.callRaw(pinger, "ping", { target: ponger.accountId }, { attachedDeposit: parseNEAR("1"), gas: 100n * TGAS });
    const failed = await alice.callRaw(pinger, "ping", { target: ponger.accountId, fail: true }, { attachedDeposit: parseNEAR("2"), gas: 100n * TGAS });
    const starved = await alice.callRaw(pinger, "ping", { target: ponger.accountId }, { gas: 15n * TGAS });
    return {
      results: [ok, failed, starved].map(summarize),
      finals: [ok, failed, starved].map((r) => (r.succeeded ? `ok ${JSON.stringify(r.parseResult())}` : `failed ${headline(r.failureMessage)}`)),
      pingerResults: await pinger.view("get_results"),
      pongs: await ponger.view("get_pongs"),
      accounts: accounts(worker, [alice.accountId, pinger.accountId, ponger.accountId]),
      burnt: worker.chain.burntYocto.toString(),
      trace: worker.trace({ logs: true }),
    };
  }

  test("cross-contract call and callback: success, callee panic with refund, not enough gas", async () => {
    const onVm = await pingPongFlow("vm");
    const onQjs = await pingPongFlow("quickjs");
    expect(onQjs).toEqual(onVm);
    expect(onVm.finals[0]).toBe('ok "ok:\\"pong-1\\""');
    // The callback returned the refund transfer: the transaction's value is the transfer's (empty) result.
    expect(onVm.finals[1]).toBe("ok undefined");
    expect(onVm.pingerResults).toEqual(['ok:"pong-1"', "failed"]);
  });

  async function probeFlow(engine: EngineName) {
    const worker = await init(engine, { executionTimeoutMs: 250 });
    const probe = await worker.rootAccount.devDeploy(fixture("engines/probe.ts"));
    const alice = await worker.rootAccount.createSubAccount("alice");
    const run = async (method: string) => summarize(await alice.callRaw(probe, method, {}));
    const spin = await run("swallow_panic_and_spin");
    return {
      module: [await run("module_counter"), await run("module_counter")],
      global: [await run("global_counter"), await run("global_counter")],
      swallow: await run("swallow_panic"),
      spin,
      loop: await run("loop_forever"),
      job: await run("promise_job"),
      stored: await probe.view("get_stored"),
      typeError: await probe.view("catch_type_error"),
      marshal: await probe.view("marshal"),
      shallow: await probe.view("deep_recursion", { depth: 100 }),
      deep: await probe.view("deep_recursion", { depth: 1_000_000 }).then(
        () => "returned",
        (e: Error) => headline(e.message),
      ),
      afterDeep: await probe.view("deep_recursion", { depth: 10 }),
      accounts: accounts(worker, [alice.accountId, probe.accountId]),
    };
  }

  test("engine probes: fresh state per receipt, aborts, loops, promise jobs, marshalling, recursion", async () => {
    const onVm = await probeFlow("vm");
    const onQjs = await probeFlow("quickjs");
    expect(onQjs).toEqual(onVm);

    // The first receipt: the function call itself.
    const value = (s: ReturnType<typeof summarize>) => s[1].status;
    // Fresh module scope and fresh globals in every receipt.
    expect(onQjs.module.map(value)).toEqual(["value 1", "value 1"]);
    expect(onQjs.global.map(value)).toEqual(["value 1", "value 1"]);
    // A caught panic still fails the call; what the catch block did is rolled back, its log refused.
    expect(value(onQjs.swallow)).toMatch(/^failure \w+: Smart contract panicked: first panic$/);
    expect(onQjs.swallow.flatMap((o) => o.logs)).toEqual([]);
    expect(onQjs.stored).toBe(2);
    // A caught panic followed by an endless loop: the panic decides, with the gas burnt at the panic.
    expect(value(onQjs.spin)).toMatch(/^failure \w+: Smart contract panicked: hi$/);
    expect(BigInt(onQjs.spin[1].gasBurnt)).toBeLessThan(10n * TGAS);
    // A loop without host calls ends as gas exhaustion.
    expect(value(onQjs.loop)).toMatch(/^failure \w+: Exceeded the prepaid gas\.$/);
    // Promise jobs run before the call ends (builder.c's js_std_loop).
    expect(onQjs.job.flatMap((o) => o.logs)).toEqual(["method ran", "job ran"]);
    expect(onQjs.typeError).toBe("TypeError: Expect Uint8Array for message instanceof=true");
    expect(JSON.parse(onQjs.marshal as string)).toEqual({
      bytes: [1, 2, 3],
      isU8: true,
      missing: true,
      len: "18446744073709551615",
      lenType: "bigint",
      heightType: "bigint",
      sub: [8, 7],
      utf8: "héllo",
      latin1: [255, 1],
    });
    expect(onQjs.deep).toMatch(/Smart contract panicked: .*(stack|recursion)/i);
    expect(onQjs.afterDeep).toBe(10);
  });
});

describe("strings with NUL bytes cross the host boundary whole", () => {
  test.each(ENGINES)("%s: Vector-style keys with NULs stay distinct, values and Latin-1 strings keep their NULs", async (engine) => {
    const worker = await init(engine);
    const contract = await worker.rootAccount.devDeploy(fixture("engines/probe.ts"));
    const result = await worker.rootAccount.callRaw(contract, "nul_strings", {});
    expect(result.succeeded).toBe(true);
    expect(result.parseResult()).toEqual({ keys: 3, value: "zero\u0000end", latin1: [97, 0, 98], utf8: "\u0000\u0001\u0000\u00ff" });
    const state = await contract.viewState();
    expect(state.get("v\u0000\u0000\u0000\u0000")).toBe("zero\u0000end");
    expect(state.get("v\u0001\u0000\u0000\u0000")).toBe("one");
  });
});

describe("quickjs fresh-state modes", () => {
  const FRESH = "NEAR_CALLBACK_GUARDS_QUICKJS_FRESH";

  async function flow(fresh: "snapshot" | "eval") {
    const saved = process.env[FRESH];
    if (fresh === "eval") process.env[FRESH] = "eval";
    else delete process.env[FRESH];
    try {
      const worker = await init("quickjs");
      const counter = await worker.rootAccount.devDeploy(fixture("counter.ts"));
      const probe = await worker.rootAccount.devDeploy(fixture("engines/probe.ts"));
      const out = [];
      for (let i = 0; i < 3; i++) out.push(summarize(await worker.rootAccount.callRaw(counter, "increment", { by: i })));
      out.push(summarize(await worker.rootAccount.callRaw(probe, "module_counter", {})));
      out.push(summarize(await worker.rootAccount.callRaw(counter, "fail_after_write", {})));
      out.push(summarize(await worker.rootAccount.callRaw(probe, "module_counter", {})));
      return { out, count: await counter.view("get"), accounts: accounts(worker, [counter.accountId, probe.accountId]) };
    } finally {
      if (saved === undefined) delete process.env[FRESH];
      else process.env[FRESH] = saved;
    }
  }

  test("a snapshot after loading and a module evaluated in every call give the same outcomes", async () => {
    const snapshot = await flow("snapshot");
    const evaluated = await flow("eval");
    expect(evaluated).toEqual(snapshot);
    expect(snapshot.count).toBe(3);
  });

  test.each(ENGINES)("a module body that calls env runs in every call (%s)", async (engine) => {
    const worker = await init(engine);
    const contract = await worker.rootAccount.devDeploy(fixture("engines/top-level-env.ts"));
    const first = await worker.rootAccount.callRaw(contract, "touch", {});
    const second = await worker.rootAccount.callRaw(contract, "touch", {});
    expect(first.logs).toEqual(["module loaded", "touch 1"]);
    expect(second.logs).toEqual(["module loaded", "touch 2"]);
    const height = (r: TransactionResult) => r.receiptsOutcome.find((o) => o.methodName === "touch")!.blockHeight.toString();
    expect(first.parseResult()).toBe(height(first));
    expect(second.parseResult()).toBe(height(second));
    expect(await contract.view("loaded_at")).toBe(worker.chain.height.toString());
  });
});

describe("engine selection", () => {
  const saved = process.env[ENGINE_ENV_VAR];
  afterEach(() => {
    if (saved === undefined) delete process.env[ENGINE_ENV_VAR];
    else process.env[ENGINE_ENV_VAR] = saved;
  });

  test("explicit option, then NEAR_CALLBACK_GUARDS_ENGINE, then vm", () => {
    delete process.env[ENGINE_ENV_VAR];
    expect(resolveEngine()).toBe("vm");
    expect(new Chain().engine).toBe("vm");
    process.env[ENGINE_ENV_VAR] = "quickjs";
    expect(resolveEngine()).toBe("quickjs");
    expect(new Chain().engine).toBe("quickjs");
    expect(new Chain({ engine: "vm" }).engine).toBe("vm");
    process.env[ENGINE_ENV_VAR] = "vm";
    expect(new Chain({ engine: "quickjs" }).engine).toBe("quickjs");
  });

  test("unknown engines are refused", () => {
    process.env[ENGINE_ENV_VAR] = "spidermonkey";
    expect(() => new Chain()).toThrow(/NEAR_CALLBACK_GUARDS_ENGINE=spidermonkey is not an engine/);
    expect(() => new Chain({ engine: "v8" as EngineName })).toThrow(/Unknown engine "v8"/);
  });

  test("a quickjs chain driven synchronously works once ready() has resolved", async () => {
    const chain = new Chain({ engine: "quickjs" });
    await chain.ready();
    chain.addGenesisAccount("alice.test.near", parseNEAR("10"));
    expect(() => chain.runUntilIdle()).not.toThrow();
  });
});
