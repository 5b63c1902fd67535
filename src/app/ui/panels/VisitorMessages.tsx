import { useEffect, useMemo, useState } from 'preact/hooks';
import type { VisitorMessage } from '../../db.ts';
import { messageInbox } from '../../doorbell/inbox.ts';
import { useDevice } from '../hooks.ts';
import { useCurrent } from '../use-current.ts';
import { i18n } from '../../../i18n/i18n.ts';
import { formatDateTime, formatDuration } from '../../../i18n/format.ts';

/** Video messages visitors left when nobody answered, newest first; they live only on this device. */
export function VisitorMessages() {
  const device = useDevice();
  const inbox = useMemo(() => messageInbox(device), [device]);
  const messages = useCurrent(
    (f) => inbox.on('changed', f),
    () => inbox.list(),
    [inbox],
  );
  if (messages.length === 0) return null;
  return (
    <section class="visitor-messages" data-testid="visitor-messages">
      <h2>{i18n._('Visitor messages')}</h2>
      <ul class="plain">
        {[...messages].reverse().map((m) => (
          <MessageItem
            key={m.key}
            message={m}
            camera={device.peers.get(m.cameraId)?.name ?? i18n._('Camera')}
          />
        ))}
      </ul>
    </section>
  );
}

function MessageItem({ message, camera }: { message: VisitorMessage; camera: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const u = URL.createObjectURL(message.clip);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [message.clip]);
  return (
    <li data-testid="visitor-message" data-camera-id={message.cameraId} data-bytes={message.clip.size}>
      {camera}, {formatDateTime(message.at)} ({formatDuration(message.durationMs)})
      {url ? (
        <video data-testid="visitor-message-video" src={url} controls playsInline preload="metadata" />
      ) : null}
    </li>
  );
}
