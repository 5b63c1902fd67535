import { useEffect, useMemo, useState } from 'preact/hooks';
import type { VisitorMessage } from '../db.ts';
import { messageInbox } from '../doorbell/service.ts';
import { useDevice } from './hooks.ts';
import { useCurrent } from './use-current.ts';

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
      <h2>Visitor messages</h2>
      <ul class="plain">
        {[...messages].reverse().map((m) => (
          <MessageItem key={m.key} message={m} camera={device.peers.get(m.cameraId)?.name ?? 'Camera'} />
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
      {camera}, {new Date(message.at).toLocaleString()} ({Math.round(message.durationMs / 1000)} s)
      {url ? (
        <video data-testid="visitor-message-video" src={url} controls playsInline preload="metadata" />
      ) : null}
    </li>
  );
}
