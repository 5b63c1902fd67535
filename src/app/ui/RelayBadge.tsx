import { i18n } from '../../i18n/i18n.ts';
import { useDevice, useSubscribed } from './hooks.ts';
import { ErrorBox } from './ErrorBox.tsx';

const LABEL = {
  connecting: () => i18n._('Connecting to relay…'),
  online: () => i18n._('Relay connected'),
  offline: () => i18n._('Relay unreachable'),
};

/** The relay connection, always visible; an explanation when it is down. */
export function RelayBadge({ showError = true }: { showError?: boolean }) {
  const { relay } = useDevice();
  const state = useSubscribed(
    (f) => relay.on('state', f),
    () => relay.state,
    [relay],
  );
  return (
    <div class="relay">
      <span class={`badge badge-${state}`} data-testid="relay-state" data-state={state}>
        {LABEL[state]()}
      </span>
      {showError && state === 'offline' ? (
        <ErrorBox
          code="relay-unreachable"
          detail={relay.lastProblem ?? undefined}
          onRetry={() => relay.reconnectNow()}
        />
      ) : null}
    </div>
  );
}
