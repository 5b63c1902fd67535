/**
 * A minimal TURN client over UDP, enough to ask a real coturn whether it accepts a
 * credential: STUN messages (RFC 5389: 20-byte header with the magic cookie,
 * type-length-value attributes padded to 4 bytes, MESSAGE-INTEGRITY as HMAC-SHA1
 * keyed with MD5(username:realm:password)) and the TURN Allocate request (RFC 5766).
 *
 *   const r = await tryAllocate(port, '1700000000:device', 'base64password');
 *   r.ok   // true: allocation made; false: r.code is 401 (bad credential) or 438 (stale nonce)
 *
 *   const turn = await TurnClient.open(port);
 *   await turn.binding();                                  // is the server up? (no auth)
 *   turn.close();
 *
 * The long-term credential dance: an Allocate without credentials gets 401 carrying
 * REALM and NONCE; the client repeats it with USERNAME, REALM, NONCE and
 * MESSAGE-INTEGRITY. A server that accepts answers with a success response (and
 * signs it; we check that signature too), otherwise 401 again.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

const MAGIC_COOKIE = 0x2112a442;
const HEADER_BYTES = 20;

export const STUN = {
  bindingRequest: 0x0001,
  bindingSuccess: 0x0101,
  allocateRequest: 0x0003,
  allocateSuccess: 0x0103,
  allocateError: 0x0113,
  refreshRequest: 0x0004,
} as const;

export const ATTR = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  lifetime: 0x000d,
  realm: 0x0014,
  nonce: 0x0015,
  xorRelayedAddress: 0x0016,
  requestedTransport: 0x0019,
} as const;

const UDP_PROTOCOL = 17;
const TIMEOUT_MS = 3_000;

export interface StunMessage {
  type: number;
  transactionId: Buffer;
  attrs: { type: number; value: Buffer }[];
  /** The raw bytes, for checking MESSAGE-INTEGRITY. */
  raw: Buffer;
}

export type AllocateResult =
  { ok: true; relayedPort: number; integrityOk: boolean } | { ok: false; code: number; reason: string };

export function encodeStun(
  type: number,
  transactionId: Buffer,
  attrs: { type: number; value: Buffer }[],
  integrityKey?: Buffer,
): Buffer {
  const body = Buffer.concat(attrs.map((a) => encodeAttr(a.type, a.value)));
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt16BE(type, 0);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(header, 8);
  if (!integrityKey) {
    header.writeUInt16BE(body.length, 2);
    return Buffer.concat([header, body]);
  }
  // The HMAC covers everything before the attribute, with the length already counting it (RFC 5389 15.4).
  header.writeUInt16BE(body.length + 24, 2);
  const mac = createHmac('sha1', integrityKey)
    .update(Buffer.concat([header, body]))
    .digest();
  return Buffer.concat([header, body, encodeAttr(ATTR.messageIntegrity, mac)]);
}

function encodeAttr(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

export function decodeStun(raw: Buffer): StunMessage | null {
  if (raw.length < HEADER_BYTES || raw.readUInt32BE(4) !== MAGIC_COOKIE) return null;
  const length = raw.readUInt16BE(2);
  if (HEADER_BYTES + length > raw.length) return null;
  const attrs: StunMessage['attrs'] = [];
  for (let at = HEADER_BYTES; at + 4 <= HEADER_BYTES + length;) {
    const type = raw.readUInt16BE(at);
    const len = raw.readUInt16BE(at + 2);
    attrs.push({ type, value: raw.subarray(at + 4, at + 4 + len) });
    at += 4 + Math.ceil(len / 4) * 4;
  }
  return { type: raw.readUInt16BE(0), transactionId: raw.subarray(8, 20), attrs, raw };
}

/** The long-term credential key: MD5(username ":" realm ":" password) (RFC 5389 15.4; SASLprep is a no-op for ASCII). */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  return createHash('md5').update(`${username}:${realm}:${password}`).digest();
}

/** Whether a received message's MESSAGE-INTEGRITY verifies under `key`. */
export function integrityValid(msg: StunMessage, key: Buffer): boolean {
  let at = HEADER_BYTES;
  for (const a of msg.attrs) {
    if (a.type === ATTR.messageIntegrity) {
      const head = Buffer.from(msg.raw.subarray(0, at));
      head.writeUInt16BE(at - HEADER_BYTES + 24, 2);
      return createHmac('sha1', key).update(head).digest().equals(a.value);
    }
    at += 4 + Math.ceil(a.value.length / 4) * 4;
  }
  return false;
}

const attr = (msg: StunMessage, type: number): Buffer | undefined =>
  msg.attrs.find((a) => a.type === type)?.value;

function errorOf(msg: StunMessage): { code: number; reason: string } {
  const v = attr(msg, ATTR.errorCode);
  if (!v || v.length < 4) return { code: 0, reason: 'no ERROR-CODE' };
  return { code: (v[2] ?? 0) * 100 + (v[3] ?? 0), reason: v.subarray(4).toString('utf8') };
}

/**
 * One Allocate attempt from a fresh UDP socket: an allocation belongs to the 5-tuple, so
 * a second attempt from the same socket would meet the first one (437), not a new check.
 */
export async function tryAllocate(port: number, username: string, password: string): Promise<AllocateResult> {
  const client = await TurnClient.open(port);
  try {
    return await client.allocate(username, password);
  } finally {
    client.close();
  }
}

export class TurnClient {
  private constructor(
    private readonly socket: Socket,
    private readonly port: number,
    private readonly host: string,
  ) {}

  static async open(port: number, host = '127.0.0.1'): Promise<TurnClient> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new TurnClient(socket, port, host);
  }

  close(): void {
    this.socket.close();
  }

  /** One request, one response with the same transaction ID; rejects after `timeoutMs`. */
  request(
    type: number,
    attrs: StunMessage['attrs'],
    key?: Buffer,
    timeoutMs = TIMEOUT_MS,
  ): Promise<StunMessage> {
    const transactionId = randomBytes(12);
    const packet = encodeStun(type, transactionId, attrs, key);
    return new Promise((resolve, reject) => {
      const onMessage = (raw: Buffer): void => {
        const msg = decodeStun(raw);
        if (!msg || !msg.transactionId.equals(transactionId)) return;
        cleanup();
        resolve(msg);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no STUN answer from ${this.host}:${this.port} in ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.socket.off('message', onMessage);
      };
      this.socket.on('message', onMessage);
      this.socket.send(packet, this.port, this.host);
    });
  }

  /** A plain STUN Binding request: answered without credentials by any running STUN/TURN server. */
  async binding(timeoutMs = TIMEOUT_MS): Promise<boolean> {
    const msg = await this.request(STUN.bindingRequest, [], undefined, timeoutMs);
    return msg.type === STUN.bindingSuccess;
  }

  /** Allocate a UDP relay with a long-term credential; releases it again if it was granted. */
  async allocate(username: string, password: string): Promise<AllocateResult> {
    const transport = Buffer.from([UDP_PROTOCOL, 0, 0, 0]);
    const first = await this.request(STUN.allocateRequest, [
      { type: ATTR.requestedTransport, value: transport },
    ]);
    if (first.type !== STUN.allocateError) throw new Error('coturn allocated without asking for credentials');
    const challenge = errorOf(first);
    const realm = attr(first, ATTR.realm);
    const nonce = attr(first, ATTR.nonce);
    if (challenge.code !== 401 || !realm || !nonce) {
      throw new Error(`expected 401 with REALM and NONCE, got ${challenge.code} ${challenge.reason}`);
    }
    const key = longTermKey(username, realm.toString('utf8'), password);
    const auth = [
      { type: ATTR.username, value: Buffer.from(username, 'utf8') },
      { type: ATTR.realm, value: realm },
      { type: ATTR.nonce, value: nonce },
    ];
    const second = await this.request(
      STUN.allocateRequest,
      [{ type: ATTR.requestedTransport, value: transport }, ...auth],
      key,
    );
    if (second.type !== STUN.allocateSuccess) return { ok: false, ...errorOf(second) };
    const relayed = attr(second, ATTR.xorRelayedAddress);
    const relayedPort = relayed ? relayed.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16) : 0;
    const integrityOk = integrityValid(second, key);
    // LIFETIME 0 deletes the allocation at once instead of leaving it to time out.
    await this.request(STUN.refreshRequest, [{ type: ATTR.lifetime, value: Buffer.alloc(4) }, ...auth], key);
    return { ok: true, relayedPort, integrityOk };
  }
}
