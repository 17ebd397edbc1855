// Corpus (safe, JavaScript with legacy decorators): an NFT whose nft_transfer_call gives the token to the
// receiver and resolves in a private callback that handles a failed nft_on_transfer in a catch.
import { NearBindgen, call, view, near, LookupMap, NearPromise, assert } from "near-sdk-js";

const GAS_FOR_RESOLVE = 15_000_000_000_000n;

@NearBindgen({})
export class SafeNft {
  constructor() {
    this.owners = new LookupMap("o");
  }

  @call({ payableFunction: true })
  nft_transfer_call({ receiver_id, token_id, msg }) {
    assert(near.attachedDeposit() === 1n, "attach 1 yoctoNEAR");
    const previous_owner_id = near.predecessorAccountId();
    assert(this.owners.get(token_id) === previous_owner_id, "not the owner");
    this.owners.set(token_id, receiver_id);
    return NearPromise.new(receiver_id)
      .functionCall("nft_on_transfer", JSON.stringify({ sender_id: previous_owner_id, previous_owner_id, token_id, msg }), 0n, near.prepaidGas() / 2n)
      .then(NearPromise.new(near.currentAccountId()).functionCall("nft_resolve_transfer", JSON.stringify({ previous_owner_id, receiver_id, token_id }), 0n, GAS_FOR_RESOLVE));
  }

  @call({ privateFunction: true })
  nft_resolve_transfer({ previous_owner_id, receiver_id, token_id }) {
    let giveBack = true;
    try {
      giveBack = JSON.parse(near.promiseResult(0)) === true;
    } catch (e) {
      giveBack = true;
    }
    if (!giveBack) return true;
    if (this.owners.get(token_id) !== receiver_id) return true; // already moved on
    this.owners.set(token_id, previous_owner_id);
    return false;
  }

  @view({})
  nft_token({ token_id }) {
    return { token_id, owner_id: this.owners.get(token_id) };
  }
}
