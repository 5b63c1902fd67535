import { useState } from 'preact/hooks';
import { AppError } from '../errors.ts';
import { pairWithCode } from '../pairing/viewer-pairing.ts';
import { relayPairingTransport } from '../pairing/transport.ts';
import type { PairedPeer } from '../db.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { QrScanner } from './QrScanner.tsx';
import { useDevice } from './hooks.ts';

/** Pair with a camera by its typed code, or by scanning its QR code. */
export function PairForm({
  onPaired,
  initial = '',
}: {
  onPaired: (p: PairedPeer) => void;
  initial?: string;
}) {
  const device = useDevice();
  const [code, setCode] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [scanning, setScanning] = useState(false);
  const [sas, setSas] = useState<{ digits: string; camera: string; answer: (ok: boolean) => void } | null>(
    null,
  );

  const submit = async (value: string) => {
    setBusy(true);
    setError(null);
    try {
      onPaired(
        await pairWithCode(relayPairingTransport(device.messenger), device.card(), value, {
          store: (peer) => device.addPeer(peer),
          confirmSas: (digits, camera) =>
            new Promise<boolean>((answer) =>
              setSas({
                digits,
                camera,
                answer: (ok) => {
                  setSas(null);
                  answer(ok);
                },
              }),
            ),
        }),
      );
    } catch (e) {
      setError(e instanceof AppError ? e : new AppError('pair-unknown', String(e)));
    } finally {
      setBusy(false);
      setSas(null);
    }
  };

  return (
    <section class="pair-form" aria-label="Add a camera">
      <h2>Add a camera</h2>
      <p>Type the code shown on the camera, or scan its QR code.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit(code);
        }}
      >
        <input
          data-testid="pairing-code-input"
          value={code}
          onInput={(e) => setCode((e.target as HTMLInputElement).value)}
          placeholder="K7QM-4T9X"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          aria-label="Pairing code"
        />
        <button type="submit" data-testid="pairing-submit" disabled={busy}>
          {busy ? 'Pairing…' : 'Pair'}
        </button>
        <button type="button" data-testid="pairing-scan" onClick={() => setScanning((s) => !s)}>
          {scanning ? 'Stop scanning' : 'Scan QR code'}
        </button>
      </form>
      {scanning ? (
        <QrScanner
          onText={(text) => {
            setScanning(false);
            void submit(text);
          }}
          onError={(e) => {
            setScanning(false);
            setError(e);
          }}
        />
      ) : null}
      {sas ? (
        <div class="sas" role="group" aria-label="Compare the numbers">
          <p>
            Does <strong>{sas.camera}</strong> show these numbers?
          </p>
          <p class="code" data-testid="pairing-sas">
            {sas.digits.slice(0, 3)} {sas.digits.slice(3)}
          </p>
          <button type="button" data-testid="pairing-confirm" onClick={() => sas.answer(true)}>
            Yes, they match
          </button>{' '}
          <button type="button" data-testid="pairing-reject" onClick={() => sas.answer(false)}>
            No
          </button>
          <p class="fine">Press it on the camera too. If the numbers differ, someone may be interfering.</p>
        </div>
      ) : null}
      {error ? <ErrorBox code={error.code} detail={error.detail} /> : null}
    </section>
  );
}
