/**
 * Quick replies in the owner's own voice: recorded here (MediaRecorder, audio
 * only, a few seconds), kept in IndexedDB, and played at the door through
 * talk-back (`viewer/talk.ts` `playClip`), so the camera's `talk` check and
 * its "<name> is talking" apply to them as to a live voice.
 */
import { getSetting, setSetting, type Db, type VoiceReply } from '../db.ts';
import { randomId } from '../util/emitter.ts';
import { i18n } from '../../i18n/i18n.ts';

export const VOICE_REPLY_MAX_MS = 10_000;
const MAX_KEPT = 8;

/** A voice reply's name as shown; one recorded without a name (stored empty, or as "Voice reply" before issue 14) gets the default name. */
export function voiceReplyLabel(reply: VoiceReply): string {
  return reply.label && reply.label !== 'Voice reply' ? reply.label : i18n._('Voice reply');
}

export async function loadVoiceReplies(db: Db): Promise<VoiceReply[]> {
  return (await getSetting(db, 'voiceReplies')) ?? [];
}

export async function saveVoiceReplies(db: Db, replies: VoiceReply[]): Promise<VoiceReply[]> {
  const kept = replies.slice(-MAX_KEPT);
  await setSetting(db, 'voiceReplies', kept);
  return kept;
}

/**
 * Records from the microphone (echo cancellation and noise suppression on) until `finish`
 * is aborted or the longest reply is reached. `onProgress` gets the milliseconds so far.
 */
export async function recordVoiceReply(
  label: string,
  finish: AbortSignal,
  onProgress: (ms: number) => void,
): Promise<VoiceReply> {
  const mic = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true },
  });
  try {
    const type = ['audio/webm;codecs=opus', 'audio/webm', 'audio/mp4'].find((t) =>
      MediaRecorder.isTypeSupported(t),
    );
    const rec = new MediaRecorder(mic, { ...(type ? { mimeType: type } : {}), audioBitsPerSecond: 32_000 });
    const parts: Blob[] = [];
    const started = performance.now();
    const done = new Promise<void>((resolve, reject) => {
      rec.onstop = () => resolve();
      rec.onerror = () => reject(new Error('recording failed'));
    });
    rec.ondataavailable = (e) => {
      if (e.data.size > 0) parts.push(e.data);
      onProgress(Math.round(performance.now() - started));
    };
    const stop = () => rec.state !== 'inactive' && rec.stop();
    const timer = setTimeout(stop, VOICE_REPLY_MAX_MS);
    finish.addEventListener('abort', stop, { once: true });
    rec.start(250);
    await done;
    clearTimeout(timer);
    return {
      id: randomId(9),
      // Left empty when the owner gave no name: shown as "Voice reply" in the language of the day.
      label: label.trim().slice(0, 64),
      durationMs: Math.round(performance.now() - started),
      clip: new Blob(parts, { type: rec.mimeType || type || 'audio/webm' }),
    };
  } finally {
    mic.getTracks().forEach((t) => t.stop());
  }
}
