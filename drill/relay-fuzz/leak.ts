/**
 * Looks for the honest devices' secrets (their device IDs, public keys, and the
 * canary every honest payload starts with) in what fuzzing sockets receive. Pure:
 * bytes in, findings out. A needle may be split across two TCP reads, so each
 * stream keeps the tail of what it saw, one byte shorter than the longest needle.
 */
export interface Needle {
  /** What it is, for the report ("honest device id #3"); never the secret itself. */
  label: string;
  bytes: Buffer;
}

export class LeakScanner {
  readonly #needles: readonly Needle[];
  readonly #keep: number;
  /** Every needle found, by label, and how often. */
  readonly found = new Map<string, number>();
  /** For each needle found, where first (the socket's scenario) and the bytes around it, for the report. */
  readonly firstSeen = new Map<string, { where: string; around: string }>();
  bytesScanned = 0;

  constructor(needles: readonly { label: string; text: string }[]) {
    this.#needles = needles
      .filter((n) => n.text.length > 0)
      .map((n) => ({ label: n.label, bytes: Buffer.from(n.text) }));
    this.#keep = Math.max(0, ...this.#needles.map((n) => n.bytes.length - 1));
  }

  /** A stream of chunks (one socket's reads); `push` each chunk in order. */
  stream(where = 'raw socket'): { push(chunk: Uint8Array): void } {
    let tail: Buffer = Buffer.alloc(0);
    return {
      push: (chunk) => {
        this.bytesScanned += chunk.length;
        const joined =
          tail.length > 0
            ? Buffer.concat([tail, chunk])
            : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
        this.#scan(joined, tail.length, where);
        tail = Buffer.from(joined.subarray(Math.max(0, joined.length - this.#keep)));
      },
    };
  }

  /** A whole message on its own (a WebSocket message from a client library). */
  message(data: Uint8Array | string, where = 'client socket'): void {
    const bytes =
      typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.length);
    this.bytesScanned += bytes.length;
    this.#scan(bytes, 0, where);
  }

  /** Count matches that end after `fresh` (the bytes before it were already scanned as a tail). */
  #scan(bytes: Buffer, fresh: number, where: string): void {
    for (const needle of this.#needles) {
      let at = bytes.indexOf(needle.bytes);
      while (at !== -1) {
        if (at + needle.bytes.length > fresh) {
          this.found.set(needle.label, (this.found.get(needle.label) ?? 0) + 1);
          if (!this.firstSeen.has(needle.label)) {
            const around = bytes.subarray(Math.max(0, at - 160), at + needle.bytes.length + 80);
            this.firstSeen.set(needle.label, { where, around: around.toString('latin1') });
          }
        }
        at = bytes.indexOf(needle.bytes, at + 1);
      }
    }
  }

  get leaks(): number {
    let n = 0;
    for (const count of this.found.values()) n += count;
    return n;
  }
}
