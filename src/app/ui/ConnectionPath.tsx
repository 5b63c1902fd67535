import { useEffect, useState } from 'preact/hooks';
import { i18n } from '../../i18n/i18n.ts';
import { connectionPath, type PathInfo } from '../rtc/path.ts';
import type { LiveSession, LiveState } from '../viewer/live-session.ts';

/** ICE may move to another pair (network change, TURN fallback); re-read the stats this often while live. */
const REFRESH_MS = 3_000;

const LABEL = {
  direct: () => i18n._('Direct connection'),
  relayed: () => i18n._('Through your TURN server (still end-to-end encrypted)'),
};

/** Whether live media goes straight between the devices or through TURN; shown next to the connection state. */
export function ConnectionPath({ session, state }: { session: LiveSession | null; state: LiveState }) {
  const [info, setInfo] = useState<PathInfo | null>(null);
  useEffect(() => {
    if (state !== 'live' || !session) {
      setInfo(null);
      return;
    }
    let stopped = false;
    const read = (): void => {
      const pc = session.peerConnection;
      if (!pc) return;
      connectionPath(pc).then(
        (next) => {
          if (!stopped) setInfo(next);
        },
        () => undefined, // closed meanwhile; the state change will clear the label
      );
    };
    read();
    const timer = setInterval(read, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [session, state]);
  if (!info) return null;
  return (
    <p
      class={`conn-path conn-path-${info.path}`}
      data-testid="connection-path"
      data-path={info.path}
      title={i18n._('local {local}, remote {remote}', { local: info.local, remote: info.remote })}
    >
      {LABEL[info.path]()}
    </p>
  );
}
