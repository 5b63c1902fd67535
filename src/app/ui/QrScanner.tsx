import { useEffect, useRef } from 'preact/hooks';
import { i18n } from '../../i18n/i18n.ts';
import { AppError } from '../errors.ts';
import { mapMediaError } from '../camera/capture.ts';

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
declare global {
  interface Window {
    BarcodeDetector?: new (opts: { formats: string[] }) => Detector;
  }
}

/**
 * Reads a QR code with this device's camera: the platform's BarcodeDetector
 * where there is one, jsQR on canvas frames otherwise.
 */
export function QrScanner({
  onText,
  onError,
}: {
  onText: (t: string) => void;
  onError: (e: AppError) => void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const ctl = new AbortController();
    let stream: MediaStream | null = null;
    void (async () => {
      try {
        if (!navigator.mediaDevices?.getUserMedia) throw new AppError('camera-insecure');
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      } catch (e) {
        onError(e instanceof AppError ? e : mapMediaError(e));
        return;
      }
      if (ctl.signal.aborted) return stream.getTracks().forEach((t) => t.stop());
      const v = video.current;
      if (!v) return;
      v.srcObject = stream;
      await v.play().catch(() => undefined);
      const detector = window.BarcodeDetector ? new window.BarcodeDetector({ formats: ['qr_code'] }) : null;
      // jsQR (about 40 KB gzip) only where the browser cannot read QR codes itself, and only
      // once a scan starts (issue 16).
      const jsQR = detector ? null : (await import('jsqr')).default;
      const canvas = document.createElement('canvas');
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      const tick = async () => {
        if (ctl.signal.aborted || !ctx) return;
        let text: string | null = null;
        if (detector) {
          text = (await detector.detect(v).catch(() => []))[0]?.rawValue ?? null;
        } else if (jsQR && v.videoWidth) {
          canvas.width = v.videoWidth;
          canvas.height = v.videoHeight;
          ctx.drawImage(v, 0, 0);
          const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
          text = jsQR(img.data, img.width, img.height)?.data ?? null;
        }
        if (text && text.includes('#/pair/')) onText(text);
        else requestAnimationFrame(() => void tick());
      };
      void tick();
    })();
    return () => {
      ctl.abort();
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []);
  return <video ref={video} class="scanner" muted playsInline aria-label={i18n._('QR code scanner')} />;
}
