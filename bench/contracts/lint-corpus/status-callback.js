// Corpus (safe by default): the shape of near-sdk-js's cross-contract-call example. The callback reads
// near.promiseResult outside a try, but the call it awaits carries no deposit and the calling method changes
// nothing: a failure only fails the callback. (Reported with throwing-promise-result's `always` option.)
import { NearBindgen, call, view, initialize, near } from "near-sdk-js";

@NearBindgen({ requireInit: true })
export class OnCallRoster {
  constructor() {
    this.onCall = "";
    this.statusContract = "";
  }

  @initialize({})
  init({ statusContract }) {
    this.statusContract = statusContract;
  }

  @call({})
  set_on_call({ accountId }) {
    const p = near.promiseBatchCreate(this.statusContract);
    near.promiseBatchActionFunctionCall(p, "get_status", JSON.stringify({ account_id: accountId }), 0, 30000000000000);
    near.promiseThen(p, near.currentAccountId(), "_on_status", JSON.stringify({ accountId }), 0, 30000000000000);
  }

  @call({ privateFunction: true })
  _on_status({ accountId }) {
    const status = JSON.parse(near.promiseResult(0));
    if (status === "AVAILABLE") this.onCall = accountId;
  }

  @view({})
  on_call() {
    return this.onCall;
  }
}
