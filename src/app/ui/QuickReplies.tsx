import { useEffect, useState } from 'preact/hooks';
import { DOORBELL_LIMITS } from '../../shared/doorbell-messages.ts';
import { loadQuickReplies, saveQuickReplies } from '../doorbell/quick-replies.ts';
import { useDevice } from './hooks.ts';
import type { TalkSender } from '../viewer/talk.ts';
import type { LiveState } from '../viewer/live-session.ts';
import { VoiceReplies } from './VoiceReplies.tsx';

/** Prepared replies, spoken and shown at the door; the list is edited right here ("Edit replies"). */
export function QuickReplies({
  cameraId,
  talk,
  live,
}: {
  cameraId: string;
  talk: TalkSender;
  live: LiveState;
}) {
  const device = useDevice();
  const [replies, setReplies] = useState<string[]>([]);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [typed, setTyped] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  useEffect(() => {
    void loadQuickReplies(device.db).then(setReplies);
  }, [device]);
  const send = (text: string) => {
    const t = text.trim();
    if (!t) return;
    void device.messenger.send(cameraId, {
      k: 'quick-reply',
      text: t.slice(0, DOORBELL_LIMITS.quickReplyChars),
    });
    void device.log.add({ event: 'quick-reply', deviceId: cameraId, reason: t });
    setSent(t);
  };
  return (
    <section class="quick-replies">
      <h2>Quick replies</h2>
      <div class="reply-list">
        {replies.map((r) => (
          <button key={r} type="button" data-testid="quick-reply" data-text={r} onClick={() => send(r)}>
            {r}
          </button>
        ))}
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          send(typed);
          setTyped('');
        }}
      >
        <input
          data-testid="quick-reply-input"
          aria-label="Type a reply to speak at the door"
          maxLength={DOORBELL_LIMITS.quickReplyChars}
          value={typed}
          onInput={(e) => setTyped((e.target as HTMLInputElement).value)}
        />
        <button type="submit" data-testid="quick-reply-send">
          Say it
        </button>
      </form>
      {sent ? (
        <p class="fine" data-testid="quick-reply-sent" role="status">
          Sent: “{sent}”
        </p>
      ) : null}
      <VoiceReplies cameraId={cameraId} talk={talk} live={live} />
      {editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void saveQuickReplies(device.db, draft.split('\n')).then((r) => {
              setReplies(r);
              setEditing(false);
            });
          }}
        >
          <label>
            One reply per line
            <textarea
              data-testid="quick-reply-editor"
              rows={5}
              value={draft}
              onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)}
            />
          </label>
          <button type="submit" data-testid="quick-reply-save">
            Save replies
          </button>
        </form>
      ) : (
        <button
          type="button"
          class="link"
          data-testid="quick-reply-edit"
          onClick={() => {
            setDraft(replies.join('\n'));
            setEditing(true);
          }}
        >
          Edit replies
        </button>
      )}
    </section>
  );
}
