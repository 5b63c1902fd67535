/**
 * A viewer that is a Node process instead of a browser: an `Attacker` (real identity, real
 * relay connection) that pairs with a camera through the app's own pairing code
 * (`pairWithCode`), so it holds a genuine pairing, with the camera's keys. Used to attack
 * from inside: a paired device that lost a right and tries anyway.
 *
 *   const eve = await Attacker.connect(relay.wsUrl);
 *   const pairing = pairNodeViewer(eve, code);             // the camera's person confirms the digits
 *   const camera = await pairing;                          // the camera's card (its keys)
 *   await eve.sendSealed(camera, { k: 'door-unlock', ms: 300_000 });
 */
import type { PairedPeer } from '../../../src/app/db.ts';
import { pairWithCode } from '../../../src/app/pairing/viewer-pairing.ts';
import type { PairingTransport } from '../../../src/app/pairing/transport.ts';
import { payloadKind } from '../../../src/shared/crypto/seal.ts';
import type { Attacker } from './attacker.ts';

const FAKE_CERT = Array.from({ length: 32 }, () => 'EE').join(':');

export function pairNodeViewer(node: Attacker, code: string, name = 'Node phone'): Promise<PairedPeer> {
  let ref = 1_000_000;
  const transport: PairingTransport = {
    selfId: node.deviceId,
    isOnline: () => true,
    openHandle: () => undefined,
    closeHandle: () => undefined,
    knock: (handle, payload) => {
      const r = ++ref;
      node.sendJson({ t: 'pair-knock', handle, payload, ref: r });
      return r;
    },
    send: (to, payload) => void node.send(to, payload),
    onOpened: () => () => undefined,
    onKnocked: () => () => undefined,
    onPayload: (fn) =>
      node.onFrame((f) => {
        if (f.t !== 'deliver') return;
        const kind = payloadKind(f.payload);
        if (kind === 'pair' || kind === 'clear') fn(f.from, f.payload);
      }),
    onKnockError: (fn) =>
      node.onFrame((f) => {
        if (f.t === 'error' && f.ref !== undefined) fn(f.ref, f.code, f.retryAfterMs);
      }),
    onOnline: () => () => undefined,
  };
  const card = {
    deviceId: node.deviceId,
    name,
    signPublic: node.identity.signPublic,
    ecdhPublic: node.identity.ecdhPublic,
    certFingerprint: FAKE_CERT,
  };
  return pairWithCode(transport, card, code, { confirmSas: async () => true, store: async () => undefined });
}
