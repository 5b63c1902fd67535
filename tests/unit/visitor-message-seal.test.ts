/**
 * Visitor messages are sealed at the door for the owner devices (issue 12): the stored
 * record holds only ciphertext, each owner device opens it with its own key, nobody else does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateIdentity } from '../../src/shared/crypto/identity.ts';
import { openVisitorMessage, sealVisitorMessage } from '../../src/app/doorbell/outbox-seal.ts';
import { ClipSealError } from '../../src/app/history/seal.ts';
import { parseSessionMessage } from '../../src/shared/session.ts';
import { sha256B64u } from '../../src/app/alerts/chunks.ts';

describe('visitor message sealing', () => {
  it('keeps only ciphertext, opens for each owner device, and for nobody else', async () => {
    const [a, b, eve] = await Promise.all([generateIdentity(), generateIdentity(), generateIdentity()]);
    const plain = new TextEncoder().encode('\x1aE\xdf\xa3 webm bytes of a visitor saying hello '.repeat(200));
    const m = await sealVisitorMessage(
      {
        id: 'msg_0123456789',
        at: 1,
        durationMs: 4000,
        clip: new Blob([plain], { type: 'video/webm' }),
        pending: [a.deviceId, b.deviceId],
      },
      [a, b].map((x) => ({ deviceId: x.deviceId, ecdhPublic: x.ecdhPublic })),
    );
    const body = new Uint8Array(await m.body.arrayBuffer());
    assert.equal(m.size, plain.length + 16, 'AES-GCM adds its tag, nothing else');
    assert.equal(m.sha256, await sha256B64u(body));
    assert.equal(m.mime, 'video/webm');
    assert.deepEqual(m.pending, [a.deviceId, b.deviceId]);
    const text = new TextDecoder('latin1').decode(body);
    assert.equal(text.includes('webm bytes'), false, 'no plaintext in the stored body');
    assert.equal(text.includes('\x1aE\xdf\xa3'), false, 'no WebM header in the stored body');
    for (const who of [a, b]) {
      const opened = await openVisitorMessage(
        m.id,
        body,
        m.clipIv,
        m.keys[who.deviceId]!,
        who.deviceId,
        who.ecdhKeys.privateKey,
      );
      assert.deepEqual(opened, plain);
    }
    // Eve holds a's wrapped key but not a's private key; and the key is bound to the message ID.
    await assert.rejects(
      openVisitorMessage(m.id, body, m.clipIv, m.keys[a.deviceId]!, a.deviceId, eve.ecdhKeys.privateKey),
      (e: unknown) => e instanceof ClipSealError && e.code === 'cannot-open',
    );
    await assert.rejects(
      openVisitorMessage(
        'msg_other00000',
        body,
        m.clipIv,
        m.keys[a.deviceId]!,
        a.deviceId,
        a.ecdhKeys.privateKey,
      ),
      ClipSealError,
    );
  });

  it('the wire header carries the wrapped key, and a sealed message of the largest size still fits its limits', async () => {
    const header = {
      k: 'visitor-message',
      id: 'msg_0123456789',
      at: 1,
      durationMs: 20_000,
      mime: 'video/webm;codecs=vp8,opus',
      size: 1_200_016,
      chunks: 151,
      sha256: 'A'.repeat(43),
      clipIv: 'B'.repeat(16),
      key: { epk: 'C'.repeat(122), salt: 'D'.repeat(22), iv: 'E'.repeat(16), wrapped: 'F'.repeat(64) },
    };
    assert.ok(parseSessionMessage(header).ok);
    assert.equal(parseSessionMessage({ ...header, size: 1_200_017 }).ok, false);
    const { key: _key, ...withoutKey } = header;
    assert.equal(parseSessionMessage(withoutKey).ok, false, 'a plain message (no key) is refused');
  });
});
