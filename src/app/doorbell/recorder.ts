/**
 * Records a visitor message from the door's outgoing (privacy-masked) stream with
 * MediaRecorder, at a low bitrate so that it fits the relay's chunked delivery.
 * Browser only.
 */
import { DOORBELL_LIMITS } from '../../shared/doorbell-messages.ts';

const TYPES = ['video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4'];

export interface Recording {
  clip: Blob;
  durationMs: number;
}

/**
 * Records until `finish` is aborted or the longest message is reached; `onProgress` gets the
 * recorded milliseconds as data arrives. Rejects if the browser cannot record.
 */
export function recordMessage(
  stream: MediaStream,
  finish: AbortSignal,
  onProgress: (ms: number) => void,
  maxMs: number = DOORBELL_LIMITS.messageMaxMs,
): Promise<Recording> {
  return new Promise((resolve, reject) => {
    if (typeof MediaRecorder === 'undefined') return reject(new Error('MediaRecorder unavailable'));
    const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
    const rec = new MediaRecorder(stream, {
      ...(mimeType ? { mimeType } : {}),
      videoBitsPerSecond: 300_000,
      audioBitsPerSecond: 32_000,
    });
    const parts: Blob[] = [];
    const started = performance.now();
    const timer = setTimeout(() => stop(), maxMs);
    const stop = () => {
      clearTimeout(timer);
      if (rec.state !== 'inactive') rec.stop();
    };
    rec.ondataavailable = (e) => {
      if (e.data.size > 0) parts.push(e.data);
      onProgress(Math.round(performance.now() - started));
    };
    rec.onstop = () => {
      const clip = new Blob(parts, { type: rec.mimeType || mimeType || 'video/webm' });
      resolve({ clip, durationMs: Math.round(performance.now() - started) });
    };
    rec.onerror = () => {
      clearTimeout(timer);
      reject(new Error('recording failed'));
    };
    finish.addEventListener('abort', stop, { once: true });
    rec.start(250);
  });
}
