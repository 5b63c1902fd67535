import { useEffect, useState } from 'preact/hooks';
import type { VoiceReply } from '../db.ts';
import {
  loadVoiceReplies,
  recordVoiceReply,
  saveVoiceReplies,
  voiceReplyLabel,
} from '../doorbell/voice-replies.ts';
import type { LiveState } from '../viewer/live-session.ts';
import type { TalkSender } from '../viewer/talk.ts';
import { useDevice } from './hooks.ts';
import { i18n } from '../../i18n/i18n.ts';
import { formatDuration } from '../../i18n/format.ts';

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
    void device.log.add({ event: 'quick-reply', deviceId: cameraId, reason: `voice: ${voiceReplyLabel(r)}` });
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
            🗣 {voiceReplyLabel(r)}
          </button>
        ))}
      </div>
      {recording ? (
        <p data-testid="voice-reply-recording" data-ms={recording.ms} role="status">
          ●{' '}
          {i18n._('Recording your reply… {duration}', {
            duration: formatDuration(Math.floor(recording.ms / 1000) * 1000),
          })}{' '}
          <button type="button" data-testid="voice-reply-stop" onClick={() => recording.ctl.abort()}>
            {i18n._('Done')}
          </button>
        </p>
      ) : (
        <p>
          <input
            data-testid="voice-reply-label"
            aria-label={i18n._('Name of the voice reply')}
            placeholder={i18n._('Name, e.g. Leave it at the door')}
            maxLength={64}
            value={label}
            onInput={(e) => setLabel((e.target as HTMLInputElement).value)}
          />{' '}
          <button type="button" data-testid="voice-reply-record" onClick={record}>
            {i18n._('Record a voice reply')}
          </button>
        </p>
      )}
    </div>
  );
}
