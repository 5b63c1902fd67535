/**
 * The pure parts of Web Push in the app and the service worker (issue 13): the
 * payload (data only, the RFC 8030 options per kind, the picture only while the
 * record fits 4,096 bytes), the notification it becomes (title and text in the
 * receiving device's language, tag per event, actions), what a click does, the
 * camera's choices (who gets which push, whose subscription goes), and the viewer's
 * switch states.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { compileMessage } from '@lingui/message-utils/compileMessage';
import { i18n } from '../../src/i18n/i18n.ts';
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
  unreadablePush,
} from '../../src/shared/push-payload.ts';
import { onPush, type PushEventLike } from '../../src/sw/push.ts';
import type { SwGlobal } from '../../src/sw/sw-types.ts';
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

// The source runs uncompiled here: each message is compiled as it is shown (the app loads compiled catalogs).
i18n.setMessagesCompiler(compileMessage);

/** German for the messages these tests show, standing in for the compiled catalog. */
const GERMAN = {
  'Doorbell: {camera}': 'Es klingelt: {camera}',
  'Someone is at the door.': 'Jemand ist an der Tür.',
  '{minutes, plural, one {The camera has not been connected for # minute. Check its power and network.} other {The camera has not been connected for # minutes. Check its power and network.}}':
    '{minutes, plural, one {Die Kamera ist seit # Minute nicht verbunden. Prüfe Strom und Netzwerk.} other {Die Kamera ist seit # Minuten nicht verbunden. Prüfe Strom und Netzwerk.}}',
  Answer: 'Annehmen',
  Decline: 'Ablehnen',
  'Something happened at one of your cameras. Open Doorpeer to see it.':
    'Bei einer deiner Kameras ist etwas passiert. Öffne Doorpeer, um es dir anzusehen.',
};

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
  it('carries data only, no words, and round-trips through the service worker’s parser', () => {
    const ring = buildPayload({ kind: 'ring', cam: CAM, name: 'Haustür', id: 'ring12345678', at: 5 });
    assert.deepEqual(ring, { v: 2, kind: 'ring', cam: CAM, name: 'Haustür', id: 'ring12345678', at: 5 });
    assert.deepEqual(parsePushPayload(payloadText(ring)), ring);
    const off = buildPayload({
      kind: 'offline',
      cam: CAM,
      name: 'Door',
      id: 'off1',
      at: 5,
      offlineAfterMs: 300_000,
    });
    assert.deepEqual(off, { v: 2, kind: 'offline', cam: CAM, name: 'Door', id: 'off1', at: 5, min: 5 });
    assert.deepEqual(parsePushPayload(payloadText(off)), off);
    // A test's few seconds still say "1 minute".
    const soon = parsePushPayload(payloadText(buildPayload({ ...off, offlineAfterMs: 4000 })));
    assert.equal(soon?.kind === 'offline' && soon.min, 1);
    // The subscription's `lang` is still sent (version 1 cameras require it), though nothing reads it.
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
    const p = buildPayload({ kind: 'person', cam: CAM, name: 'N'.repeat(64), id: 'a1', at: 5 });
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
      parsePushPayload(JSON.stringify({ v: 2, kind: 'ring', cam: 'nope', name: '', id: 'x', at: 1 })),
      null,
    );
    // Version 1 (words written at the camera) is not read: the worker shows its generic notification.
    assert.equal(
      parsePushPayload(
        JSON.stringify({
          v: 1,
          kind: 'ring',
          cam: CAM,
          name: 'Door',
          id: 'ring1',
          at: 1,
          title: 'Doorbell: Door',
          body: 'Someone is at the door.',
        }),
      ),
      null,
    );
    // Each kind's own data is there: minutes for "offline", the warning for "health".
    const bare = { v: 2, cam: CAM, name: 'Door', id: 'x1', at: 1 };
    assert.equal(parsePushPayload(JSON.stringify({ ...bare, kind: 'offline' })), null);
    assert.equal(parsePushPayload(JSON.stringify({ ...bare, kind: 'offline', min: 0 })), null);
    assert.equal(parsePushPayload(JSON.stringify({ ...bare, kind: 'health' })), null);
    assert.equal(
      parsePushPayload(
        JSON.stringify({ ...bare, kind: 'health', health: { kind: 'hot', state: 'warning' } }),
      ),
      null,
    );
  });
});

describe('notification and click', () => {
  const ring = buildPayload({ kind: 'ring', cam: CAM, name: 'Door', id: 'ring12345678', at: 99 });
  const person = buildPayload({ kind: 'person', cam: CAM, name: 'Door', id: 'alert1234567', at: 99 });
  const at = { cam: CAM, name: 'Door', id: 'ev1', at: 99 };

  afterEach(() => i18n.activate('en'));

  it('the receiving device writes the words, in English by default', () => {
    i18n.activate('en');
    const n = notificationFor(ring);
    assert.deepEqual([n.title, n.options.body], ['Doorbell: Door', 'Someone is at the door.']);
    assert.deepEqual(
      n.options.actions.map((a) => a.title),
      ['Answer', 'Decline'],
    );
    assert.deepEqual(
      (['person', 'motion', 'online'] as const).map((kind) => {
        const o = notificationFor(buildPayload({ ...at, kind }));
        return [o.title, o.options.body];
      }),
      [
        ['Person at Door', 'A person was detected. Tap to see the alert.'],
        ['Motion at Door', 'Motion was detected. Tap to see the alert.'],
        ['Door is back online', 'The camera is connected again.'],
      ],
    );
    assert.deepEqual(notificationFor(person).options.actions, [{ action: 'watch', title: 'Watch live' }]);
    const off = (ms: number) => notificationFor(buildPayload({ ...at, kind: 'offline', offlineAfterMs: ms }));
    assert.equal(off(300_000).title, 'Door is offline');
    assert.equal(
      off(300_000).options.body,
      'The camera has not been connected for 5 minutes. Check its power and network.',
    );
    assert.equal(
      off(60_000).options.body,
      'The camera has not been connected for 1 minute. Check its power and network.',
    );
    assert.equal(
      unreadablePush().body,
      'Something happened at one of your cameras. Open Doorpeer to see it.',
    );
  });

  it('a health push is worded from its warning, raised or cleared', () => {
    const health = (state: 'warning' | 'normal') =>
      notificationFor(buildPayload({ ...at, kind: 'health', health: { kind: 'unplugged', state } }));
    assert.equal(health('warning').title, 'Door: charger unplugged');
    assert.match(health('warning').options.body, /charger is plugged in/);
    assert.equal(health('normal').title, 'Door: charger unplugged, back to normal');
    assert.equal(health('normal').options.body, 'The camera is fine again.');
    assert.equal(health('warning').options.tag, health('normal').options.tag);
  });

  it('the same payload reads German where German is active', () => {
    i18n.load('de', GERMAN);
    i18n.activate('de');
    const n = notificationFor(ring);
    assert.deepEqual([n.title, n.options.body], ['Es klingelt: Door', 'Jemand ist an der Tür.']);
    assert.deepEqual(
      n.options.actions.map((a) => [a.action, a.title]),
      [
        ['answer', 'Annehmen'],
        ['decline', 'Ablehnen'],
      ],
    );
    const off = notificationFor(buildPayload({ ...at, kind: 'offline', offlineAfterMs: 300_000 }));
    assert.equal(
      off.options.body,
      'Die Kamera ist seit 5 Minuten nicht verbunden. Prüfe Strom und Netzwerk.',
    );
    // The camera's name is data: shown as its owner wrote it, in any language.
    assert.equal(notificationFor({ ...ring, name: 'Front door' }).title, 'Es klingelt: Front door');
  });

  it('one tag per event, the page’s own ring tag for rings; actions for rings and people', () => {
    const n = notificationFor({ ...ring, img: '/9j/AAAA' });
    assert.equal(n.options.tag, 'ring-ring12345678');
    assert.deepEqual(
      n.options.actions.map((a) => a.action),
      ['answer', 'decline'],
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

describe('the service worker’s push', () => {
  afterEach(() => i18n.activate('en'));

  /** A worker with no app window and no app database (Node has no IndexedDB): the browser's languages decide. */
  function worker(languages: string[]): {
    sw: SwGlobal;
    shown: { title: string; options: NotificationOptions }[];
  } {
    const shown: { title: string; options: NotificationOptions }[] = [];
    const sw = {
      registration: {
        showNotification: (title: string, options: NotificationOptions) => {
          shown.push({ title, options });
          return Promise.resolve();
        },
      },
      clients: { matchAll: () => Promise.resolve([]) },
      navigator: { languages },
    } as unknown as SwGlobal;
    return { sw, shown };
  }

  const push = (text: string) => ({ data: { text: () => text } }) as unknown as PushEventLike;
  const ring = payloadText(buildPayload({ kind: 'ring', cam: CAM, name: 'Door', id: 'ring12345678', at: 9 }));
  const v1 = JSON.stringify({
    v: 1,
    kind: 'ring',
    cam: CAM,
    name: 'Door',
    id: 'ring12345678',
    at: 9,
    title: 'Doorbell: Door',
    body: 'Someone is at the door.',
  });

  it('writes a push in the device’s language, whatever the camera speaks', async () => {
    i18n.load('de', GERMAN);
    const en = worker(['en-US', 'de']);
    await onPush(en.sw, push(ring));
    assert.deepEqual(
      en.shown.map((n) => [n.title, n.options.body, n.options.tag]),
      [['Doorbell: Door', 'Someone is at the door.', 'ring-ring12345678']],
    );
    const de = worker(['fr-FR', 'de-AT']);
    await onPush(de.sw, push(ring));
    assert.deepEqual(
      de.shown.map((n) => [n.title, n.options.body]),
      [['Es klingelt: Door', 'Jemand ist an der Tür.']],
    );
  });

  it('a version 1 payload, or none, still shows a notification: the generic one', async () => {
    i18n.load('de', GERMAN);
    const en = worker(['en']);
    await onPush(en.sw, push(v1));
    await onPush(en.sw, push('garbage'));
    const unreadable = ['Doorpeer', 'Something happened at one of your cameras. Open Doorpeer to see it.'];
    assert.deepEqual(
      en.shown.map((n) => [n.title, n.options.body, n.options.tag]),
      [
        [...unreadable, 'doorpeer-unreadable'],
        [...unreadable, 'doorpeer-unreadable'],
      ],
    );
    const de = worker(['de-DE']);
    await onPush(de.sw, push(v1));
    assert.deepEqual(
      de.shown.map((n) => [n.title, n.options.body]),
      [['Doorpeer', 'Bei einer deiner Kameras ist etwas passiert. Öffne Doorpeer, um es dir anzusehen.']],
    );
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
