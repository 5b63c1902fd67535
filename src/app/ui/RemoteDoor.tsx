import { useEffect, useState } from 'preact/hooks';
import { DOOR_LOCK_LIMITS } from '../../shared/door-lock-messages.ts';
import type { SessionMessage } from '../../shared/session.ts';
import { doorReports } from '../door-lock/viewer-reports.ts';
import { useDevice, useSubscribed, useTicker } from './hooks.ts';

const STATE_TEXT = { off: 'Not a door station', locked: 'Locked', unlocked: 'Unlocked' } as const;

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
    <section class="remote-door" aria-label="Door station">
      <h3>Door station</h3>
      <p data-testid="remote-door-state" data-state={state?.state ?? 'unknown'} role="status">
        {state ? STATE_TEXT[state.state] : 'Asking the camera…'}
        {state?.state === 'unlocked'
          ? ` (locks again in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')})`
          : ''}
        {state && !state.pin && state.state !== 'off'
          ? '. No PIN is set: unlock it here, then set one on the door.'
          : ''}
        {state && state.blockedUntil > now ? '. PIN entry is blocked after wrong PINs.' : ''}
      </p>
      {state && state.state !== 'off' ? (
        <div class="row">
          <button
            type="button"
            data-testid="remote-door-unlock"
            onClick={() => send({ k: 'door-unlock', ms: DOOR_LOCK_LIMITS.maxRemoteUnlockMs })}
          >
            Unlock door station for 5 minutes
          </button>
          <button type="button" data-testid="remote-door-lock" onClick={() => send({ k: 'door-lock' })}>
            Lock now
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
              {new Date(a.at).toLocaleTimeString()}:{' '}
              {a.ok ? 'unlocked with the PIN' : `wrong PIN (${a.failures} in a row)`}
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

const END_TEXT: Record<End['result'], string> = {
  paired: 'is now paired with this camera.',
  rejected: 'The pairing was refused.',
  cancelled: 'The pairing was cancelled.',
  'timed-out': 'The code ran out before anyone used it.',
  busy: 'Another phone is pairing a viewer through this camera right now.',
  offline: 'The camera could not be reached.',
};

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
          Pair a new viewer through this camera
        </button>
        {end ? (
          <p data-testid="remote-pair-result" data-result={end.result} role="status">
            {end.result === 'paired' ? `“${end.name ?? 'The new viewer'}” ` : ''}
            {END_TEXT[end.result]}
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <div class="pairing" role="group" aria-label="Pair a new viewer">
      {pending ? (
        <>
          <p>
            <strong data-testid="remote-pair-name">“{pending.name}”</strong> typed the code. Check that it
            shows exactly these numbers:
          </p>
          <p class="code" data-testid="remote-pair-sas">
            {pending.sas.slice(0, 3)} {pending.sas.slice(3)}
          </p>
          <p class="fine">If they differ, refuse: someone else may be trying to pair.</p>
          <button
            type="button"
            class="primary"
            data-testid="remote-pair-confirm"
            onClick={() => send({ k: 'pair-remote-confirm', deviceId: pending.deviceId, ok: true })}
          >
            They match: pair
          </button>{' '}
          <button
            type="button"
            data-testid="remote-pair-reject"
            onClick={() => {
              send({ k: 'pair-remote-confirm', deviceId: pending.deviceId, ok: false });
              setPending(null);
            }}
          >
            Refuse
          </button>
        </>
      ) : offer ? (
        <>
          <p>On the new device open Doorpeer, choose “Add camera” and type:</p>
          <p class="code" data-testid="remote-pair-code">
            {offer.code}
          </p>
          {end ? <p class="warn">{END_TEXT[end.result]} A new code is shown.</p> : null}
        </>
      ) : (
        <p>Asking the camera for a code…</p>
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
        Stop pairing
      </button>
    </div>
  );
}
