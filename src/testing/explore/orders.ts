/**
 * The scheduler's choices for one receiver in one block: which of its ready receipts run now and in which
 * order, every receipt whose deferral budget is spent included. Choices are numbered without listing them
 * (ranking by subset size descending, then subset, then permutation), so that choice 0 is always "run them
 * all in the default order" and a large group costs nothing until a choice is asked for.
 */

const factorials: number[] = [1];
function factorial(n: number): number {
  for (let i = factorials.length; i <= n; i++) factorials.push(factorials[i - 1] * i);
  return factorials[n];
}

function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/**
 * Receipts of one receiver in one block, by position in the group; `forced` must run now. `commuting`: the
 * receipts' order can't matter (plain transfers to an account without code), only which of them run now.
 */
export interface GroupShape {
  size: number;
  forced: readonly boolean[];
  commuting?: boolean;
}


/** Number of choices for a group. */
export function countOrders(shape: GroupShape): number {
  const f = shape.forced.filter(Boolean).length;
  const o = shape.size - f;
  if (shape.commuting) return 2 ** o;
  let total = 0;
  for (let s = o; s >= 0; s--) total += binomial(o, s) * factorial(f + s);
  if (!Number.isSafeInteger(total)) throw new RangeError(`${shape.size} receipts for one account in one block: too many orders to number`);
  return total;
}

/** The `rank`-th choice: positions in the group to run now, in order. Rank 0 is every receipt in order. */
export function orderAt(shape: GroupShape, rank: number): number[] {
  const forced: number[] = [];
  const optional: number[] = [];
  for (let i = 0; i < shape.size; i++) (shape.forced[i] ? forced : optional).push(i);
  if (shape.commuting) {
    // Bit j of the rank defers the j-th optional receipt; the rest run in the default order.
    const deferred = new Set(optional.filter((_, j) => Math.floor(rank / 2 ** j) % 2 === 1));
    return [...Array(shape.size).keys()].filter((i) => !deferred.has(i));
  }
  let r = rank;
  for (let s = optional.length; s >= 0; s--) {
    const k = forced.length + s;
    const block = binomial(optional.length, s) * factorial(k);
    if (r >= block) {
      r -= block;
      continue;
    }
    const subset = combinationAt(optional.length, s, Math.floor(r / factorial(k))).map((i) => optional[i]);
    const members = [...forced, ...subset].sort((a, b) => a - b);
    return permutationAt(members, r % factorial(k));
  }
  throw new RangeError(`order ${rank} out of range`);
}

/** The `rank`-th s-subset of 0..n-1 in lexicographic order. */
function combinationAt(n: number, s: number, rank: number): number[] {
  const out: number[] = [];
  let r = rank;
  let next = 0;
  for (let left = s; left > 0; left--) {
    for (let v = next; v < n; v++) {
      const count = binomial(n - v - 1, left - 1);
      if (r < count) {
        out.push(v);
        next = v + 1;
        break;
      }
      r -= count;
    }
  }
  return out;
}

/** The `rank`-th permutation of `items` (factorial number system; rank 0 keeps the order). */
function permutationAt(items: number[], rank: number): number[] {
  const pool = items.slice();
  const out: number[] = [];
  let r = rank;
  for (let n = pool.length; n > 0; n--) {
    const f = factorial(n - 1);
    const i = Math.floor(r / f);
    r %= f;
    out.push(pool.splice(i, 1)[0]);
  }
  return out;
}
