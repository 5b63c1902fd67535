import { useEffect, useState } from 'preact/hooks';
import { DOOR_LOCK_LIMITS } from '../../shared/door-lock-messages.ts';
import type { SessionMessage } from '../../shared/session.ts';
import { doorReports, type DoorStateMessage } from '../door-lock/viewer-reports.ts';
import { useDevice, useSubscribed, useTicker } from './hooks.ts';
import { i18n } from '../../i18n/i18n.ts';
import { formatTime } from '../../i18n/format.ts';

/** What the door station's lock is, as one line: the state, and when it locks again. */
function stateText(state: DoorStateMessage, leftSec: number): string {
  switch (state.state) {
    case 'off':
      return i18n._('Not a door station');
    case 'locked':
      return i18n._('Locked');
    case 'unlocked':
      return i18n._('Unlocked (locks again in {time})', {
        time: `${Math.floor(leftSec / 60)}:${String(leftSec % 60).padStart(2, '0')}`,
      });
  }
}

/** The state, then each further sentence that applies ("Locked. No PIN is set: …"). */
function statusLine(state: DoorStateMessage, leftSec: number, now: number): string {
  let line = stateText(state, leftSec);
  const more = [
    !state.pin && state.state !== 'off'
      ? i18n._('No PIN is set: unlock it here, then set one on the door.')
      : null,
    state.blockedUntil > now ? i18n._('PIN entry is blocked after wrong PINs.') : null,
  ];
  for (const sentence of more) if (sentence) line += `${line.endsWith('.') ? '' : '.'} ${sentence}`;
  return line;
}

/**
 * From the owner's phone (manage): the door station's lock, unlock it for five minutes or
 * lock it now, and the PINs typed at it (issue 12).
 */
export function RemoteDoor({ cameraId }: { cameraId: string }) {
  const device = useDevice();
  const reports = doorReports(device);
  const state = useSubscribed(
    (f) => reports.on('changed', (id) => id === cameraId && f()),
    () => reports.state(cameraId),
    [reports, cameraId],
  );
  const attempts = useSubscribed(
    (f) => reports.on('changed', (id) => id === cameraId && f()),
    () => reports.recent(cameraId),
    [reports, cameraId],
  );
  const now = useTicker(1000);
  useEffect(() => void device.messenger.send(cameraId, { k: 'door-get' }), [device, cameraId]);
  const send = (msg: SessionMessage) => void device.messenger.send(cameraId, msg);
  const left = state?.until ? Math.max(0, Math.ceil((state.until - now) / 1000)) : 0;
  return (
    <section class="remote-door" aria-label={i18n._('Door station')}>
      <h3>{i18n._('Door station')}</h3>
      <p data-testid="remote-door-state" data-state={state?.state ?? 'unknown'} role="status">
        {state ? statusLine(state, left, now) : i18n._('Asking the camera…')}
      </p>
      {state && state.state !== 'off' ? (
        <div class="row">
          <button
            type="button"
            data-testid="remote-door-unlock"
            onClick={() => send({ k: 'door-unlock', ms: DOOR_LOCK_LIMITS.maxRemoteUnlockMs })}
          >
            {i18n._('Unlock door station for 5 minutes')}
          </button>
          <button type="button" data-testid="remote-door-lock" onClick={() => send({ k: 'door-lock' })}>
            {i18n._('Lock now')}
          </button>
        </div>
      ) : null}
      {attempts.length > 0 ? (
        <ul class="plain">
          {attempts.map((a) => (
            <li
              key={a.at}
              data-testid="remote-door-attempt"
              data-ok={String(a.ok)}
              class={a.ok ? '' : 'warn'}
            >
              {a.ok
                ? i18n._('{time}: unlocked with the PIN', { time: formatTime(a.at) })
                : i18n._('{time}: wrong PIN ({count} in a row)', {
                    time: formatTime(a.at),
                    count: a.failures,
                  })}
            </li>
          ))}
        </ul>
      ) : null}
      <RemotePairing cameraId={cameraId} />
    </section>
  );
}

type Offer = Extract<SessionMessage, { k: 'pair-remote-offer' }>;
type Pending = Extract<SessionMessage, { k: 'pair-remote-pending' }>;
type End = Extract<SessionMessage, { k: 'pair-remote-end' }>;

/** What became of a remote pairing, as a sentence. */
function endText(end: End): string {
  switch (end.result) {
    case 'paired':
      return i18n._('“{name}” is now paired with this camera.', {
        name: end.name ?? i18n._('The new viewer'),
      });
    case 'rejected':
      return i18n._('The pairing was refused.');
    case 'cancelled':
      return i18n._('The pairing was cancelled.');
    case 'timed-out':
      return i18n._('The code ran out before anyone used it.');
    case 'busy':
      return i18n._('Another phone is pairing a viewer through this camera right now.');
    case 'offline':
      return i18n._('The camera could not be reached.');
  }
}

/**
 * Pair a new viewer through this camera without touching it (a locked door station): the
 * code shows here, the new device types it, and its six digits are confirmed here.
 */
function RemotePairing({ cameraId }: { cameraId: string }) {
  const { messenger } = useDevice();
  const [offer, setOffer] = useState<Offer | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [end, setEnd] = useState<End | null>(null);
  const [open, setOpen] = useState(false);
  useEffect(
    () =>
      messenger.on('message', (from, msg) => {
        if (from.deviceId !== cameraId) return;
        if (msg.k === 'pair-remote-offer') setOffer(msg);
        if (msg.k === 'pair-remote-pending') setPending(msg);
        if (msg.k === 'pair-remote-end') {
          setEnd(msg);
          setPending(null);
          if (msg.result !== 'cancelled' && msg.result !== 'rejected') {
            setOffer(null);
            setOpen(false);
          }
        }
      }),
    [messenger, cameraId],
  );
  const send = (msg: SessionMessage) => void messenger.send(cameraId, msg);
  if (!open) {
    return (
      <div>
        <button
          type="button"
          data-testid="remote-pair-start"
          onClick={() => {
            setOpen(true);
            setEnd(null);
            send({ k: 'pair-remote-start' });
          }}
        >
          {i18n._('Pair a new viewer through this camera')}
        </button>
        {end ? (
          <p data-testid="remote-pair-result" data-result={end.result} role="status">
            {endText(end)}
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <div class="pairing" role="group" aria-label={i18n._('Pair a new viewer')}>
      {pending ? (
        <>
          <p data-testid="remote-pair-name" data-name={pending.name}>
            {i18n._('“{name}” typed the code. Check that it shows exactly these numbers:', {
              name: pending.name,
            })}
          </p>
          <p class="code" data-testid="remote-pair-sas">
            {pending.sas.slice(0, 3)} {pending.sas.slice(3)}
          </p>
          <p class="fine">{i18n._('If they differ, refuse: someone else may be trying to pair.')}</p>
          <button
            type="button"
            class="primary"
            data-testid="remote-pair-confirm"
            onClick={() => send({ k: 'pair-remote-confirm', deviceId: pending.deviceId, ok: true })}
          >
            {i18n._('They match: pair')}
          </button>{' '}
          <button
            type="button"
            data-testid="remote-pair-reject"
            onClick={() => {
              send({ k: 'pair-remote-confirm', deviceId: pending.deviceId, ok: false });
              setPending(null);
            }}
          >
            {i18n._('Refuse')}
          </button>
        </>
      ) : offer ? (
        <>
          <p>{i18n._('On the new device open Doorpeer, choose “Add camera” and type:')}</p>
          <p class="code" data-testid="remote-pair-code">
            {offer.code}
          </p>
          {end ? (
            <p class="warn">
              {endText(end)} {i18n._('A new code is shown.')}
            </p>
          ) : null}
        </>
      ) : (
        <p>{i18n._('Asking the camera for a code…')}</p>
      )}
      <button
        type="button"
        data-testid="remote-pair-cancel"
        onClick={() => {
          send({ k: 'pair-remote-cancel' });
          setOpen(false);
          setOffer(null);
          setPending(null);
        }}
      >
        {i18n._('Stop pairing')}
      </button>
    </div>
  );
}
