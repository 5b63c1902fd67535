import { useEffect, useState } from 'preact/hooks';
import { DOORBELL_LIMITS } from '../../shared/doorbell-messages.ts';
import { defaultQuickReplies, loadQuickReplies, saveQuickReplies } from '../doorbell/quick-replies.ts';
import { useDevice } from './hooks.ts';
import type { TalkSender } from '../viewer/talk.ts';
import type { LiveState } from '../viewer/live-session.ts';
import { VoiceReplies } from './VoiceReplies.tsx';
import { activeLanguage, i18n } from '../../i18n/i18n.ts';

/**
 * Prepared replies, spoken and shown at the door; the list is edited right here ("Edit replies").
 * Until the owner edits it the list is the defaults, in the language shown. A reply goes with
 * the language it is written in (the one shown here), which the door speaks it in.
 */
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
  // null: the owner has no list of their own (yet); the defaults are shown in today's language.
  const [own, setOwn] = useState<string[] | null>([]);
  const replies = own ?? defaultQuickReplies();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [typed, setTyped] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  useEffect(() => {
    void loadQuickReplies(device.db).then(setOwn);
  }, [device]);
  const send = (text: string) => {
    const t = text.trim();
    if (!t) return;
    void device.messenger.send(cameraId, {
      k: 'quick-reply',
      text: t.slice(0, DOORBELL_LIMITS.quickReplyChars),
      lang: activeLanguage(),
    });
    void device.log.add({ event: 'quick-reply', deviceId: cameraId, reason: t });
    setSent(t);
  };
  return (
    <section class="quick-replies">
      <h2>{i18n._('Quick replies')}</h2>
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
          aria-label={i18n._('Type a reply to speak at the door')}
          maxLength={DOORBELL_LIMITS.quickReplyChars}
          value={typed}
          onInput={(e) => setTyped((e.target as HTMLInputElement).value)}
        />
        <button type="submit" data-testid="quick-reply-send">
          {i18n._('Say it')}
        </button>
      </form>
      {sent ? (
        <p class="fine" data-testid="quick-reply-sent" role="status">
          {i18n._('Sent: “{text}”', { text: sent })}
        </p>
      ) : null}
      <VoiceReplies cameraId={cameraId} talk={talk} live={live} />
      {editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void saveQuickReplies(device.db, draft.split('\n')).then((r) => {
              setOwn(r);
              setEditing(false);
            });
          }}
        >
          <label>
            {i18n._('One reply per line')}
            <textarea
              data-testid="quick-reply-editor"
              rows={5}
              value={draft}
              onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)}
            />
          </label>
          <button type="submit" data-testid="quick-reply-save">
            {i18n._('Save replies')}
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
          {i18n._('Edit replies')}
        </button>
      )}
    </section>
  );
}
