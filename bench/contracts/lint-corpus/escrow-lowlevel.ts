/**
 * Corpus (unsafe): an escrow written with near-sdk-js's low-level promise API. The buyer's deposit is
 * booked as refundable escrow before the seller confirms delivery, and `cancel` pays out that booking at
 * any time; the delivery callback is attached with no gas at all.
 */
import { NearBindgen, call, view, initialize, near, LookupMap } from "near-sdk-js";

const DELIVER_GAS = 30_000_000_000_000n;

@NearBindgen({ requireInit: true })
export class LowLevelEscrow {
  seller = "";
  escrow = new LookupMap<string>("e");

  @initialize({})
  init({ seller }: { seller: string }): void {
    this.seller = seller;
  }

  @call({ payableFunction: true })
  buy({ item }: { item: string }): void {
    const buyer = near.predecessorAccountId();
    const paid = near.attachedDeposit();
    this.escrow.set(buyer, (this.held(buyer) + paid).toString()); // expect: state-before-callback
    const deliver = near.promiseCreate(this.seller, "deliver", JSON.stringify({ buyer, item }), 0n, DELIVER_GAS);
    const settle = near.promiseThen(deliver, near.currentAccountId(), "on_delivered", JSON.stringify({ buyer, paid: paid.toString() }), 0n, 0n); // expect: callback-gas
    near.promiseReturn(settle);
  }

  @call({ privateFunction: true })
  on_delivered({ buyer, paid }: { buyer: string; paid: string }): void {
    let delivered = true;
    try {
      near.promiseResult(0);
    } catch (_e) {
      delivered = false;
    }
    const value = BigInt(paid);
    const left = this.held(buyer) - value;
    this.escrow.set(buyer, (left > 0n ? left : 0n).toString());
    const to = delivered ? this.seller : buyer;
    const t = near.promiseBatchCreate(to);
    near.promiseBatchActionTransfer(t, value);
  }

  @call({})
  cancel(): void {
    const buyer = near.predecessorAccountId();
    const amount = this.held(buyer);
    this.escrow.remove(buyer);
    const t = near.promiseBatchCreate(buyer);
    near.promiseBatchActionTransfer(t, amount);
  }

  @view({})
  get_escrow({ account_id }: { account_id: string }): string {
    return this.held(account_id).toString();
  }

  held(account: string): bigint {
    return BigInt(this.escrow.get(account) ?? "0");
  }
}
