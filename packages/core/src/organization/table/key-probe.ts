/**
 * Hashing and comparing keys as the text arena stores them, so that a key
 * given as a string and the same key stored in the arena hash and compare
 * alike: UTF-8 bytes, or UTF-16 code units for the rare string with a lone
 * surrogate (which UTF-8 cannot carry), told apart by a flag.
 */

/** Whether a string has a lone surrogate, so that only UTF-16 keeps it exactly. */
export const needsUtf16 = (text: string): boolean => !(text as unknown as { isWellFormed(): boolean }).isWellFormed();

const UTF8_SEED = 0x811c9dc5;
const UTF16_SEED = 0x050c5d1f;

/** FNV-1a over `bytes[start..end)`, then murmur3's finalizer so that every bit depends on every byte. */
export const hashBytes = (bytes: Uint8Array, start: number, end: number, utf16 = false): number => {
  let hash = utf16 ? UTF16_SEED : UTF8_SEED;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
};

/** A key being looked up: its bytes (a string's, in a buffer reused from one lookup to the next, or stored ones in place) and their hash. */
export class KeyProbe {
  private scratch = Buffer.allocUnsafeSlow(256);
  private bytes: Uint8Array = this.scratch;
  private offset = 0;
  length = 0;
  utf16 = false;
  hash = 0;

  /** Takes `key` as the key to look up; returns its hash. */
  load(key: string): number {
    // Three bytes of UTF-8 (or two of UTF-16) at most per UTF-16 unit: always room after this.
    if (key.length * 3 > this.scratch.length) this.scratch = Buffer.allocUnsafeSlow(key.length * 3);
    this.utf16 = needsUtf16(key);
    this.bytes = this.scratch;
    this.offset = 0;
    this.length = this.scratch.write(key, 0, this.utf16 ? 'utf16le' : 'utf8');
    this.hash = hashBytes(this.scratch, 0, this.length, this.utf16);
    return this.hash;
  }

  /** Takes stored key bytes, where they are, as the key to look up (rebuilding an index from its rows). */
  loadBytes(bytes: Uint8Array, start: number, end: number, utf16: boolean): number {
    this.bytes = bytes;
    this.offset = start;
    this.length = end - start;
    this.utf16 = utf16;
    this.hash = hashBytes(bytes, start, end, utf16);
    return this.hash;
  }

  /** Whether `bytes[start..end)`, in the given encoding, are the key's bytes. */
  equals(bytes: Uint8Array, start: number, end: number, utf16: boolean): boolean {
    if (end - start !== this.length || utf16 !== this.utf16) return false;
    const own = this.bytes;
    const offset = this.offset - start;
    for (let i = start; i < end; i++) if (own[i + offset] !== bytes[i]) return false;
    return true;
  }
}
