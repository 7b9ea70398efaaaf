import { createHash } from 'node:crypto';

/**
 * A Merkle tree over a stream's event hashes, as Certificate Transparency
 * builds one (RFC 6962/9162): a leaf is SHA-256(0x00 ‖ event hash), a node
 * SHA-256(0x01 ‖ left ‖ right), the left subtree the largest power of two
 * below the size. A digest carries the root, so one event is proven to be
 * in the stream with log2(n) hashes instead of the n after it.
 */
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export const leafHash = (eventHash: string): Buffer => createHash('sha256').update(LEAF).update(Buffer.from(eventHash, 'hex')).digest();
const nodeHash = (left: Buffer, right: Buffer): Buffer => createHash('sha256').update(NODE).update(left).update(right).digest();

/** The root of an empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT = createHash('sha256').digest('hex');

/** Builds the root leaf by leaf, keeping only the perfect subtrees on the right edge (O(log n) memory). */
export class MerkleAccumulator {
  /** Perfect subtrees, largest first: their sizes are the binary digits of the count. */
  private readonly stack: { size: number; hash: Buffer }[] = [];
  size = 0;

  push(eventHash: string): void {
    let node = { size: 1, hash: leafHash(eventHash) };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.size === node.size) {
      const left = this.stack.pop()!;
      node = { size: left.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.size++;
  }

  /** The root of the leaves pushed so far, in hex. */
  root(): string {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let hash = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.stack[i]!.hash, hash);
    return hash.toString('hex');
  }
}

const largestPowerOfTwoBelow = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

const subtreeRoot = (leaves: readonly Buffer[], from: number, to: number): Buffer => {
  if (to - from === 1) return leaves[from]!;
  const k = largestPowerOfTwoBelow(to - from);
  return nodeHash(subtreeRoot(leaves, from, from + k), subtreeRoot(leaves, from + k, to));
};

/** The audit path of leaf `index` (0-based) in the tree of `eventHashes`: the sibling hashes from the leaf up, in hex. */
export const auditPath = (eventHashes: readonly string[], index: number): string[] => {
  const leaves = eventHashes.map(leafHash);
  const path: Buffer[] = [];
  const walk = (from: number, to: number, m: number): void => {
    if (to - from <= 1) return;
    const k = largestPowerOfTwoBelow(to - from);
    if (m < k) {
      walk(from, from + k, m);
      path.push(subtreeRoot(leaves, from + k, to));
    } else {
      walk(from + k, to, m - k);
      path.push(subtreeRoot(leaves, from, from + k));
    }
  };
  walk(0, leaves.length, index);
  return path.map((b) => b.toString('hex'));
};

/** The root an audit path leads to from leaf `index` of a tree of `size` leaves (RFC 9162, 2.1.3.2), or undefined when the path does not fit the tree. */
export const rootFromPath = (eventHash: string, index: number, size: number, path: readonly string[]): string | undefined => {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leafHash(eventHash);
  for (const hex of path) {
    if (sn === 0 || !/^[0-9a-f]{64}$/.test(hex)) return undefined;
    const p = Buffer.from(hex, 'hex');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r.toString('hex') : undefined;
};
