import { useState } from 'preact/hooks';
import { i18n } from '../../i18n/i18n.ts';
import { AppError } from '../errors.ts';
import { pairWithCode } from '../pairing/viewer-pairing.ts';
import { relayPairingTransport } from '../pairing/transport.ts';
import type { PairedPeer } from '../db.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { QrScanner } from './QrScanner.tsx';
import { useDevice } from './hooks.ts';

/** Stands in for a value in a translated sentence, where the value is shown in <strong>. */
const MARK = '\uE000';

/** `text` (translated with `MARK` as a value) with each `MARK` replaced by `value` in <strong>. */
function emphasized(text: string, value: string) {
  return text.split(MARK).flatMap((part, i) => (i === 0 ? [part] : [<strong key={i}>{value}</strong>, part]));
}

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
    <section class="pair-form" aria-label={i18n._('Add a camera')}>
      <h2>{i18n._('Add a camera')}</h2>
      <p>{i18n._('Type the code shown on the camera, or scan its QR code.')}</p>
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
          // eslint-disable-next-line lingui/no-unlocalized-strings -- an example code, the same in every language
          placeholder="K7QM-4T9X"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          aria-label={i18n._('Pairing code')}
        />
        <button type="submit" data-testid="pairing-submit" disabled={busy}>
          {busy ? i18n._('Pairing…') : i18n._('Pair')}
        </button>
        <button type="button" data-testid="pairing-scan" onClick={() => setScanning((s) => !s)}>
          {scanning ? i18n._('Stop scanning') : i18n._('Scan QR code')}
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
        <div class="sas" role="group" aria-label={i18n._('Compare the numbers')}>
          <p>{emphasized(i18n._('Does {camera} show these numbers?', { camera: MARK }), sas.camera)}</p>
          <p class="code" data-testid="pairing-sas">
            {sas.digits.slice(0, 3)} {sas.digits.slice(3)}
          </p>
          <button type="button" data-testid="pairing-confirm" onClick={() => sas.answer(true)}>
            {i18n._('Yes, they match')}
          </button>{' '}
          <button type="button" data-testid="pairing-reject" onClick={() => sas.answer(false)}>
            {i18n._('No')}
          </button>
          <p class="fine">
            {i18n._('Press it on the camera too. If the numbers differ, someone may be interfering.')}
          </p>
        </div>
      ) : null}
      {error ? <ErrorBox code={error.code} detail={error.detail} /> : null}
    </section>
  );
}
