/**
 * The ring's baseline: a bare message through the same relay process, between two
 * authenticated Node clients (no sealing, no app, no browser). Its round trip, halved, is
 * what the relay hop alone costs one way.
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import { generateIdentity, signRelayChallenge } from '../../src/shared/crypto/identity.ts';
import { PROTOCOL_VERSION, RELAY_PATH, parseRelayFrame, type RelayFrame } from '../../src/shared/protocol.ts';
import type { Cleanup } from '../lib/cleanup.ts';
import { BenchError } from '../lib/errors.ts';

const WAIT_MS = 10_000;

class BareClient {
  private waiters: ((f: RelayFrame) => boolean)[] = [];
  deviceId = '';

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const parsed = parseRelayFrame(data.toString());
      if (!parsed.ok) return;
      this.waiters = this.waiters.filter((w) => !w(parsed.frame));
    });
  }

  next<T extends RelayFrame['t']>(t: T): Promise<Extract<RelayFrame, { t: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new BenchError('TIMEOUT', `bare relay client: no ${t}`)),
        WAIT_MS,
      );
      this.waiters.push((f) => {
        if (f.t !== t) return false;
        clearTimeout(timer);
        resolve(f as Extract<RelayFrame, { t: T }>);
        return true;
      });
    });
  }

  static async connect(httpUrl: string, cleanup: Cleanup): Promise<BareClient> {
    const ws = new WebSocket(httpUrl.replace(/^http/, 'ws') + RELAY_PATH);
    cleanup.add('bare relay client', () => ws.close());
    ws.on('error', () => undefined);
    const client = new BareClient(ws);
    const challenge = client.next('challenge');
    await once(ws, 'open');
    const identity = await generateIdentity();
    const { nonce } = await challenge;
    const welcome = client.next('welcome');
    ws.send(
      JSON.stringify({
        t: 'hello',
        v: PROTOCOL_VERSION,
        publicKey: identity.signPublic,
        signature: await signRelayChallenge(identity, nonce),
      }),
    );
    client.deviceId = (await welcome).deviceId;
    return client;
  }
}

/** Round trips (ms) of a sealed-message-sized payload, A -> relay -> B -> relay -> A. */
export async function bareRoundTrips(relayUrl: string, n: number, cleanup: Cleanup): Promise<number[]> {
  const a = await BareClient.connect(relayUrl, cleanup);
  const b = await BareClient.connect(relayUrl, cleanup);
  const payload = 'A'.repeat(400); // about the size of a sealed `ring`
  const out: number[] = [];
  for (let i = 0; i < n + 2; i++) {
    const atB = b.next('deliver');
    const back = a.next('deliver');
    const t0 = performance.now();
    a.ws.send(JSON.stringify({ t: 'send', to: b.deviceId, payload }));
    await atB;
    b.ws.send(JSON.stringify({ t: 'send', to: a.deviceId, payload }));
    await back;
    if (i >= 2) out.push(performance.now() - t0); // two warm-up trips
    // Stay well under the relay's per-connection rate limit.
    await new Promise((r) => setTimeout(r, 50));
  }
  return out;
}
