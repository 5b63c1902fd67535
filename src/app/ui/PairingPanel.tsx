import { useEffect, useState } from 'preact/hooks';
import { i18n } from '../../i18n/i18n.ts';
import { formatDuration } from '../../i18n/format.ts';
import type { CameraPairing, PairingOffer, PendingViewer } from '../pairing/camera-pairing.ts';
import { QrCanvas } from './QrCanvas.tsx';
import { useTicker } from './hooks.ts';

/** What the panel says after a failed or cancelled pairing: data, put into words when shown. */
type Note =
  | { kind: 'locked'; minutes: number }
  | { kind: 'wrong'; left: number }
  | { kind: 'cancelled'; reason: string };

/**
 * Why a pairing was cancelled, in the language shown. The camera's pairing names the reason
 * with one of a few fixed phrases (`camera-pairing.ts`); one not known here is shown as it is.
 */
function cancelledText(reason: string): string {
  switch (reason) {
    case 'the relay connection dropped':
      return i18n._('Pairing cancelled: the relay connection dropped.');
    case 'stopped':
      return i18n._('Pairing cancelled: stopped.');
    case 'rejected at the camera':
      return i18n._('Pairing cancelled: rejected at the camera.');
    case 'rejected on the viewer':
      return i18n._('Pairing cancelled: rejected on the viewer.');
    case 'replaced by a new request':
      return i18n._('Pairing cancelled: replaced by a new request.');
    case 'timed out':
      return i18n._('Pairing cancelled: timed out.');
    case 'the viewer’s keys did not match its commitment':
      return i18n._('Pairing cancelled: the viewer’s keys did not match its commitment.');
    case 'the viewer lost the relay connection':
      return i18n._('Pairing cancelled: the viewer lost the relay connection.');
    case 'the viewer lost the relay connection before the pairing was through':
      return i18n._(
        'Pairing cancelled: the viewer lost the relay connection before the pairing was through.',
      );
    default:
      return i18n._('Pairing cancelled: {reason}.', { reason });
  }
}

function noteText(note: Note): string {
  switch (note.kind) {
    case 'locked':
      return i18n._('Too many wrong codes: pairing is locked for {duration}.', {
        duration: formatDuration(note.minutes * 60_000),
      });
    case 'wrong':
      return i18n._(
        '{left, plural, one {A wrong code was typed (# attempt left before a lockout).} other {A wrong code was typed (# attempts left before a lockout).}}',
        { left: note.left },
      );
    case 'cancelled':
      return cancelledText(note.reason);
  }
}

/** The camera's pairing codes: QR for phones, a short typed code for the rest. */
export function PairingPanel({ pairing, onCancel }: { pairing: CameraPairing; onCancel?: () => void }) {
  const [offer, setOffer] = useState<PairingOffer | null>(pairing.offer);
  const [note, setNote] = useState<Note | null>(null);
  const [pending, setPending] = useState<PendingViewer | null>(null);
  const now = useTicker(1000);
  useEffect(() => {
    const a = pairing.on('offer', setOffer);
    const b = pairing.on('failed', (_from, left, retry) =>
      setNote(
        retry !== undefined
          ? { kind: 'locked', minutes: Math.ceil(retry / 60_000) }
          : { kind: 'wrong', left },
      ),
    );
    const c = pairing.on('pending', setPending);
    const d = pairing.on('cancelled', (_from, reason) => setNote({ kind: 'cancelled', reason }));
    // Effects run after paint: an offer that came between the render and these subscriptions
    // (the relay answers in milliseconds once the camera screen's chunk has loaded) is read here.
    setOffer(pairing.offer);
    return () => {
      a();
      b();
      c();
      d();
    };
  }, [pairing]);

  if (pending?.remoteFor) {
    return (
      <section class="pairing" aria-label={i18n._('A new viewer is being paired')}>
        <h2>{i18n._('“{name}” wants to pair', { name: pending.name })}</h2>
        <p data-testid="pairing-remote-confirm">
          {i18n._('The pairing was started from a paired phone: the numbers are confirmed there, not here.')}
        </p>
      </section>
    );
  }
  if (pending) {
    return (
      <section class="pairing" aria-label={i18n._('Confirm the new viewer')}>
        <h2>{i18n._('“{name}” wants to pair', { name: pending.name })}</h2>
        <p>{i18n._('Check that the viewer shows exactly these numbers:')}</p>
        <p class="code" data-testid="pairing-sas">
          {pending.sas.slice(0, 3)} {pending.sas.slice(3)}
        </p>
        <p class="fine">{i18n._('If they differ, press Refuse: someone may be trying to listen in.')}</p>
        <button type="button" data-testid="pairing-confirm" onClick={() => pairing.confirm(true)}>
          {i18n._('They match: pair')}
        </button>{' '}
        <button type="button" data-testid="pairing-reject" onClick={() => pairing.confirm(false)}>
          {i18n._('Refuse')}
        </button>
      </section>
    );
  }
  if (!offer) return <section class="pairing">{i18n._('Getting a pairing code from the relay…')}</section>;
  if (!offer.qrFragment) {
    // Remote mode: typed code only, confirmed on the owner's phone that started it.
    return (
      <section class="pairing" aria-label={i18n._('Pair a viewer')}>
        <h2>{i18n._('Pairing started from a paired phone')}</h2>
        <p class="code" data-testid="pairing-code">
          {offer.typedCode}
        </p>
        <p class="fine">
          {i18n._('The new device types this code; the phone that started the pairing confirms it.')}
        </p>
      </section>
    );
  }
  const link = `${location.origin}${location.pathname}#/pair/${offer.qrFragment}`;
  const left = Math.max(0, Math.round((offer.expiresAt - now) / 1000));
  return (
    <section class="pairing" aria-label={i18n._('Pair a viewer')}>
      <h2>{i18n._('Pair a viewer')}</h2>
      <p>
        {i18n._('On your phone, scan this code, or open Doorpeer, choose “Add camera” and type the code.')}
      </p>
      <QrCanvas text={link} />
      <p class="code" data-testid="pairing-code">
        {offer.typedCode}
      </p>
      <p class="fine">
        {i18n._('Works once. A new code in {time}.', {
          time: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`,
        })}
      </p>
      {note ? <p class="warn">{noteText(note)}</p> : null}
      {onCancel ? (
        <button type="button" onClick={onCancel}>
          {i18n._('Done')}
        </button>
      ) : null}
    </section>
  );
}
