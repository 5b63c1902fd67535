import { useEffect, useRef } from 'preact/hooks';
import QRCode from 'qrcode';
import { i18n } from '../../i18n/i18n.ts';

/** Renders `text` as a QR code, locally (the qrcode package; no image service). */
export function QrCanvas({ text, size = 220 }: { text: string; size?: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current)
      void QRCode.toCanvas(ref.current, text, { width: size, margin: 2, errorCorrectionLevel: 'M' });
  }, [text, size]);
  return (
    <canvas
      ref={ref}
      data-testid="pairing-qr"
      width={size}
      height={size}
      aria-label={i18n._('Pairing QR code')}
    />
  );
}
