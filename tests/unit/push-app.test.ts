/**
 * The pure parts of Web Push in the app and the service worker (issue 13): the
 * payload (text in the viewer's language, the RFC 8030 options per kind, the picture
 * only while the record fits 4,096 bytes), the notification it becomes (title, tag
 * per event, actions), what a click does, the camera's choices (who gets which push,
 * whose subscription goes), and the viewer's switch states.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PUSH_MAX_PLAINTEXT_BYTES } from '../../src/shared/crypto/webpush.ts';
import { DEFAULT_PUSH_EVENTS } from '../../src/shared/push-messages.ts';
import {
  buildPayload,
  clickPlan,
  imageBudgetChars,
  notificationFor,
  parsePushPayload,
  payloadText,
  pushLangOf,
  pushOptions,
  tagFor,
} from '../../src/shared/push-payload.ts';
import { PUSH_TOPIC_PATTERN } from '../../src/shared/push-protocol.ts';
import { parseSessionMessage } from '../../src/shared/session.ts';
import {
  holdKey,
  offlineAfterMs,
  pushTargets,
  revokedSubscriptions,
  viewerOfHoldKey,
} from '../../src/app/push/camera-policy.ts';
import { camerasToTell, EMPTY_PUSH_SETTINGS, pushView } from '../../src/app/push/viewer-state.ts';
import type { CameraPushSubscription, PairedPeer } from '../../src/app/db.ts';

const CAM = 'cameracameracameracameraca';
const V1 = 'aaaaaaaaaaaaaaaaaaaaaaaaa2';
const V2 = 'bbbbbbbbbbbbbbbbbbbbbbbbb3';
const V3 = 'ccccccccccccccccccccccccc4';

function sub(events = DEFAULT_PUSH_EVENTS): CameraPushSubscription {
  return {
    endpoint: 'https://fcm.googleapis.com/fcm/send/x',
    p256dh: `B${'A'.repeat(86)}`,
    auth: 'A'.repeat(22),
    events,
    lang: 'en',
    since: 1,
  };
}

function viewer(id: string, watch = true, extra: Partial<PairedPeer> = {}): PairedPeer {
  return {
    deviceId: id,
    name: id.slice(0, 4),
    signPublic: 'x',
    ecdhPublic: 'x',
    certFingerprint: 'x',
    role: 'viewer',
    pairedAt: 1,
    permissions: { watch, talk: false, manage: false },
    ...extra,
  };
}

describe('push payload', () => {
  it('speaks the viewer’s language, and round-trips through the service worker’s parser', () => {
    const en = buildPayload({ kind: 'ring', cam: CAM, name: 'Front door', id: 'ring12345678', at: 5 }, 'en');
    const de = buildPayload({ kind: 'ring', cam: CAM, name: 'Haustür', id: 'ring12345678', at: 5 }, 'de');
    assert.equal(en.title, 'Doorbell: Front door');
    assert.equal(en.body, 'Someone is at the door.');
    assert.equal(de.title, 'Es klingelt: Haustür');
    assert.equal(de.body, 'Jemand ist an der Tür.');
    assert.deepEqual(parsePushPayload(payloadText(en)), en);
    const off = buildPayload(
      { kind: 'offline', cam: CAM, name: 'Door', id: 'off1', at: 5, offlineAfterMs: 300_000 },
      'en',
    );
    assert.match(off.body, /for 5 minutes/);
    assert.equal(pushLangOf('de-AT'), 'de');
    assert.equal(pushLangOf('en-GB'), 'en');
    assert.equal(pushLangOf(undefined), 'en');
  });

  it('rings and people are urgent with a short TTL; each event has its own valid topic', () => {
    assert.deepEqual(pushOptions('ring', CAM, 'ring12345678'), {
      ttl: 60,
      urgency: 'high',
      topic: 'r-ring12345678',
    });
    assert.equal(pushOptions('person', CAM, 'x').urgency, 'high');
    assert.equal(pushOptions('motion', CAM, 'x').urgency, 'normal');
    // "Back online" replaces an undelivered "offline" of the same camera.
    assert.equal(pushOptions('offline', CAM, 'a').topic, pushOptions('online', CAM, 'b').topic);
    for (const kind of ['ring', 'person', 'motion', 'offline', 'online'] as const) {
      assert.match(pushOptions(kind, CAM, 'x'.repeat(32)).topic, PUSH_TOPIC_PATTERN);
    }
  });

  it('the picture goes only while the whole record fits one 4,096-byte push', () => {
    const p = buildPayload({ kind: 'person', cam: CAM, name: 'N'.repeat(64), id: 'a1', at: 5 }, 'de');
    const budget = imageBudgetChars(p);
    const fits = 'A'.repeat(budget);
    assert.equal(new TextEncoder().encode(payloadText(p, fits)).length, PUSH_MAX_PLAINTEXT_BYTES);
    assert.equal(parsePushPayload(payloadText(p, fits))?.img, fits);
    // One character more: the push goes without it rather than not at all.
    assert.equal(parsePushPayload(payloadText(p, `${fits}A`))?.img, undefined);
  });

  it('refuses what is not a Doorpeer payload', () => {
    assert.equal(parsePushPayload('not json'), null);
    assert.equal(parsePushPayload('{"v":2}'), null);
    assert.equal(
      parsePushPayload(
        JSON.stringify({ v: 1, kind: 'ring', cam: 'nope', name: '', id: 'x', at: 1, title: '', body: '' }),
      ),
      null,
    );
  });
});

describe('notification and click', () => {
  const ring = buildPayload({ kind: 'ring', cam: CAM, name: 'Door', id: 'ring12345678', at: 99 }, 'en');
  const person = buildPayload({ kind: 'person', cam: CAM, name: 'Door', id: 'alert1234567', at: 99 }, 'en');

  it('one tag per event, the page’s own ring tag for rings; actions for rings and people', () => {
    const n = notificationFor({ ...ring, img: '/9j/AAAA' }, 'de');
    assert.equal(n.title, 'Doorbell: Door');
    assert.equal(n.options.tag, 'ring-ring12345678');
    assert.deepEqual(
      n.options.actions.map((a) => [a.action, a.title]),
      [
        ['answer', 'Annehmen'],
        ['decline', 'Ablehnen'],
      ],
    );
    assert.equal(n.options.image, 'data:image/jpeg;base64,/9j/AAAA');
    assert.equal(n.options.requireInteraction, true);
    assert.deepEqual(
      notificationFor(person).options.actions.map((a) => a.action),
      ['watch'],
    );
    assert.equal(tagFor(person), `${CAM}/alert1234567`);
    assert.equal(
      tagFor({ kind: 'offline', cam: CAM, id: 'a' }),
      tagFor({ kind: 'online', cam: CAM, id: 'b' }),
    );
  });

  it('a ring opens the live view, Answer also answers (with or without an open window), Decline opens nothing', () => {
    const data = notificationFor(ring).options.data;
    const open = clickPlan(data, '');
    assert.equal(open.open, `/#/viewer/live/${CAM}`);
    assert.equal(open.message?.action, 'open');
    const answer = clickPlan(data, 'answer');
    assert.equal(answer.message?.action, 'answer');
    assert.equal(answer.open, `/?doorpeer-answer=ring12345678&camera=${CAM}#/viewer/live/${CAM}`);
    const decline = clickPlan(data, 'decline');
    assert.deepEqual([decline.message?.action, decline.open], ['decline', null]);
  });

  it('an alert opens the event list; Watch live opens the live view', () => {
    const data = notificationFor(person).options.data;
    assert.equal(clickPlan(data, '').open, '/#/viewer');
    assert.equal(clickPlan(data, 'watch').open, `/#/viewer/live/${CAM}`);
  });
});

describe('the camera’s push choices', () => {
  const peers = new Map<string, PairedPeer>([
    [V1, viewer(V1)],
    [V2, viewer(V2, false)],
    [V3, viewer(V3, true, { unpairing: true })],
  ]);
  const peer = (id: string) => peers.get(id);

  it('rings go to every subscribed viewer allowed to watch; other events as each chose', () => {
    const subs = { [V1]: sub({ ...DEFAULT_PUSH_EVENTS, motion: false }), [V2]: sub(), [V3]: sub() };
    assert.deepEqual(pushTargets(subs, peer, 'ring'), [V1]);
    assert.deepEqual(pushTargets(subs, peer, 'motion'), []);
    assert.deepEqual(pushTargets(subs, peer, 'person'), [V1]);
    assert.deepEqual(pushTargets({ x: sub() }, peer, 'ring'), [], 'unknown device');
  });

  it('a viewer without watch, being unpaired or gone loses its subscription at once', () => {
    const subs = { [V1]: sub(), [V2]: sub(), [V3]: sub(), gone: sub() };
    assert.deepEqual(revokedSubscriptions(subs, peer).sort(), [V2, V3, 'gone'].sort());
  });

  it('names held pushes per viewer and honours the chosen delay (a test may go lower)', () => {
    assert.equal(viewerOfHoldKey(holdKey(V1)), V1);
    assert.equal(viewerOfHoldKey('v-nope'), null);
    assert.equal(offlineAfterMs(sub(), null), 300_000);
    assert.equal(offlineAfterMs(sub({ ...DEFAULT_PUSH_EVENTS, offlineAfterMin: 1 }), null), 60_000);
    assert.equal(offlineAfterMs(sub(), 4000), 4000);
  });

  it('the subscribe message is a valid sealed session message', () => {
    const msg = {
      k: 'push-subscribe',
      sub: { endpoint: 'https://fcm.googleapis.com/x', p256dh: `B${'A'.repeat(86)}`, auth: 'A'.repeat(22) },
      events: DEFAULT_PUSH_EVENTS,
      lang: 'en',
    };
    assert.equal(parseSessionMessage(msg).ok, true);
    assert.equal(
      parseSessionMessage({ ...msg, events: { ...DEFAULT_PUSH_EVENTS, offlineAfterMin: 0 } }).ok,
      false,
    );
    assert.equal(parseSessionMessage({ k: 'push-ack', state: 'gone' }).ok, true);
  });
});

describe('the viewer’s switch', () => {
  const base = {
    support: 'supported' as const,
    permission: 'granted' as const,
    relayHasPush: true,
    settings: EMPTY_PUSH_SETTINGS,
  };
  const on = {
    ...EMPTY_PUSH_SETTINGS,
    enabled: true,
    sub: { endpoint: 'https://e/1', p256dh: 'p', auth: 'a' },
  };

  it('off, on, denied, unsupported (browser or relay), in that order of precedence', () => {
    assert.deepEqual(pushView(base), { state: 'off', problem: null });
    assert.deepEqual(pushView({ ...base, settings: on }), { state: 'on', problem: null });
    assert.deepEqual(pushView({ ...base, settings: on, permission: 'denied' }), {
      state: 'denied',
      problem: 'push-denied',
    });
    assert.deepEqual(pushView({ ...base, support: 'unsupported' }), {
      state: 'unsupported',
      problem: 'push-unsupported',
    });
    assert.deepEqual(pushView({ ...base, relayHasPush: false }), {
      state: 'unsupported',
      problem: 'push-relay-off',
    });
    // Permission taken back in the browser's settings: no longer on.
    assert.equal(pushView({ ...base, settings: on, permission: 'default' }).state, 'off');
  });

  it('re-sends to every camera that has not confirmed the current endpoint (new pairing, rotation)', () => {
    const acked = { ...on, acked: { [V1]: 'https://e/1', [V2]: 'https://e/0' } };
    assert.deepEqual(camerasToTell(acked, [V1, V2, V3]), [V2, V3]);
    assert.deepEqual(camerasToTell({ ...acked, enabled: false }, [V1, V2]), []);
  });
});
