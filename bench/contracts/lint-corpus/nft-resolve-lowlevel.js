// Corpus (unsafe, JavaScript, low-level promise API as near-sdk-js's early examples wrote it): the
// resolve callback is public and reads the raw result outside a try.
import { NearBindgen, call, view, near, LookupMap } from "near-sdk-js";

@NearBindgen({})
export class LowLevelNft {
  constructor() {
    this.owners = new LookupMap("o");
  }

  @call({ payableFunction: true })
  nft_transfer_call({ receiver_id, token_id, msg }) {
    const sender = near.predecessorAccountId();
    if (this.owners.get(token_id) !== sender) throw new Error("not the owner");
    this.owners.set(token_id, receiver_id);
    const p = near.promiseBatchCreate(receiver_id);
    near.promiseBatchActionFunctionCall(p, "nft_on_transfer", JSON.stringify({ sender_id: sender, token_id, msg }), 0, 30000000000000);
    const resolve = near.promiseBatchThen(p, near.currentAccountId());
    near.promiseBatchActionFunctionCall(resolve, "nft_resolve_transfer", JSON.stringify({ sender, receiver_id, token_id }), 0, 15000000000000);
    near.promiseReturn(resolve);
  }

  @call({})
  nft_resolve_transfer({ sender, receiver_id, token_id }) { // expect: public-callback
    const keep = JSON.parse(new TextDecoder().decode(near.promiseResultRaw(0))); // expect: throwing-promise-result
    if (keep === false && this.owners.get(token_id) === receiver_id) this.owners.set(token_id, sender);
    return keep;
  }

  @view({})
  nft_token({ token_id }) {
    return this.owners.get(token_id);
  }
}
