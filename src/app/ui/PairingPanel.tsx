import { useEffect, useState } from 'preact/hooks';
import type { CameraPairing, PairingOffer, PendingViewer } from '../pairing/camera-pairing.ts';
import { QrCanvas } from './QrCanvas.tsx';
import { useTicker } from './hooks.ts';

/** The camera's pairing codes: QR for phones, a short typed code for the rest. */
export function PairingPanel({ pairing, onCancel }: { pairing: CameraPairing; onCancel?: () => void }) {
  const [offer, setOffer] = useState<PairingOffer | null>(pairing.offer);
  const [note, setNote] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingViewer | null>(null);
  const now = useTicker(1000);
  useEffect(() => {
    const a = pairing.on('offer', setOffer);
    const b = pairing.on('failed', (_from, left, retry) =>
      setNote(
        retry !== undefined
          ? `Too many wrong codes: pairing is locked for ${Math.ceil(retry / 60_000)} min.`
          : `A wrong code was typed (${left} attempt${left === 1 ? '' : 's'} left before a lockout).`,
      ),
    );
    const c = pairing.on('pending', setPending);
    const d = pairing.on('cancelled', (_from, reason) => setNote(`Pairing cancelled: ${reason}.`));
    return () => {
      a();
      b();
      c();
      d();
    };
  }, [pairing]);

  if (pending?.remoteFor) {
    return (
      <section class="pairing" aria-label="A new viewer is being paired">
        <h2>“{pending.name}” wants to pair</h2>
        <p data-testid="pairing-remote-confirm">
          The pairing was started from a paired phone: the numbers are confirmed there, not here.
        </p>
      </section>
    );
  }
  if (pending) {
    return (
      <section class="pairing" aria-label="Confirm the new viewer">
        <h2>“{pending.name}” wants to pair</h2>
        <p>Check that the viewer shows exactly these numbers:</p>
        <p class="code" data-testid="pairing-sas">
          {pending.sas.slice(0, 3)} {pending.sas.slice(3)}
        </p>
        <p class="fine">If they differ, press Refuse: someone may be trying to listen in.</p>
        <button type="button" data-testid="pairing-confirm" onClick={() => pairing.confirm(true)}>
          They match: pair
        </button>{' '}
        <button type="button" data-testid="pairing-reject" onClick={() => pairing.confirm(false)}>
          Refuse
        </button>
      </section>
    );
  }
  if (!offer) return <section class="pairing">Getting a pairing code from the relay…</section>;
  if (!offer.qrFragment) {
    // Remote mode: typed code only, confirmed on the owner's phone that started it.
    return (
      <section class="pairing" aria-label="Pair a viewer">
        <h2>Pairing started from a paired phone</h2>
        <p class="code" data-testid="pairing-code">
          {offer.typedCode}
        </p>
        <p class="fine">The new device types this code; the phone that started the pairing confirms it.</p>
      </section>
    );
  }
  const link = `${location.origin}${location.pathname}#/pair/${offer.qrFragment}`;
  const left = Math.max(0, Math.round((offer.expiresAt - now) / 1000));
  return (
    <section class="pairing" aria-label="Pair a viewer">
      <h2>Pair a viewer</h2>
      <p>On your phone, scan this code, or open Doorpeer, choose “Add camera” and type the code.</p>
      <QrCanvas text={link} />
      <p class="code" data-testid="pairing-code">
        {offer.typedCode}
      </p>
      <p class="fine">
        Works once. A new code in {Math.floor(left / 60)}:{String(left % 60).padStart(2, '0')}.
      </p>
      {note ? <p class="warn">{note}</p> : null}
      {onCancel ? (
        <button type="button" onClick={onCancel}>
          Done
        </button>
      ) : null}
    </section>
  );
}
