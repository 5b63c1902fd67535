import { useEffect, useState } from 'preact/hooks';
import type { CameraPairing, PairingOffer } from '../pairing/camera-pairing.ts';
import { QrCanvas } from './QrCanvas.tsx';
import { useTicker } from './hooks.ts';

/** The camera's pairing codes: QR for phones, a short typed code for the rest. */
export function PairingPanel({ pairing, onCancel }: { pairing: CameraPairing; onCancel?: () => void }) {
  const [offer, setOffer] = useState<PairingOffer | null>(pairing.offer);
  const [note, setNote] = useState<string | null>(null);
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
    return () => {
      a();
      b();
    };
  }, [pairing]);

  if (!offer) return <section class="pairing">Getting a pairing code from the relay…</section>;
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
