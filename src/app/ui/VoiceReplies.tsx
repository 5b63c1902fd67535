import { useEffect, useState } from 'preact/hooks';
import type { VoiceReply } from '../db.ts';
import { loadVoiceReplies, recordVoiceReply, saveVoiceReplies } from '../doorbell/voice-replies.ts';
import type { LiveState } from '../viewer/live-session.ts';
import type { TalkSender } from '../viewer/talk.ts';
import { useDevice } from './hooks.ts';

/** Quick replies in the owner's own voice: record one here, play it at the door with one tap. */
export function VoiceReplies({
  cameraId,
  talk,
  live,
}: {
  cameraId: string;
  talk: TalkSender;
  live: LiveState;
}) {
  const device = useDevice();
  const [replies, setReplies] = useState<VoiceReply[]>([]);
  const [label, setLabel] = useState('');
  const [recording, setRecording] = useState<{ ctl: AbortController; ms: number } | null>(null);
  useEffect(() => {
    void loadVoiceReplies(device.db).then(setReplies);
  }, [device]);

  const record = () => {
    const ctl = new AbortController();
    setRecording({ ctl, ms: 0 });
    recordVoiceReply(label, ctl.signal, (ms) => setRecording({ ctl, ms }))
      .then((r) => saveVoiceReplies(device.db, [...replies, r]))
      .then(setReplies, () => undefined)
      .finally(() => {
        setRecording(null);
        setLabel('');
      });
  };
  const play = (r: VoiceReply) => {
    void talk.playClip(r.clip);
    void device.log.add({ event: 'quick-reply', deviceId: cameraId, reason: `voice: ${r.label}` });
  };
  return (
    <div class="voice-replies">
      <div class="reply-list">
        {replies.map((r) => (
          <button
            key={r.id}
            type="button"
            data-testid="voice-reply"
            data-label={r.label}
            disabled={live !== 'live'}
            onClick={() => play(r)}
          >
            🗣 {r.label}
          </button>
        ))}
      </div>
      {recording ? (
        <p data-testid="voice-reply-recording" data-ms={recording.ms} role="status">
          ● Recording your reply… {Math.floor(recording.ms / 1000)} s{' '}
          <button type="button" data-testid="voice-reply-stop" onClick={() => recording.ctl.abort()}>
            Done
          </button>
        </p>
      ) : (
        <p>
          <input
            data-testid="voice-reply-label"
            aria-label="Name of the voice reply"
            placeholder="Name, e.g. Leave it at the door"
            maxLength={64}
            value={label}
            onInput={(e) => setLabel((e.target as HTMLInputElement).value)}
          />{' '}
          <button type="button" data-testid="voice-reply-record" onClick={record}>
            Record a voice reply
          </button>
        </p>
      )}
    </div>
  );
}
