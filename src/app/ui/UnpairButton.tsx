import { useState } from 'preact/hooks';
import { i18n } from '../../i18n/i18n.ts';

/** Unpair with an in-page confirmation (no blocking `confirm()` dialog). */
export function UnpairButton({ name, onUnpair }: { name: string; onUnpair: () => Promise<void> | void }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" data-testid="unpair" onClick={() => setAsking(true)}>
        {i18n._('Unpair')}
      </button>
    );
  }
  return (
    <span class="confirm" role="group" aria-label={i18n._('Unpair {name}?', { name })}>
      {i18n._('Unpair {name}? It will need a new code to pair again.', { name })}{' '}
      <button type="button" data-testid="unpair-confirm" class="danger" onClick={() => void onUnpair()}>
        {i18n._('Unpair')}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        {i18n._('Cancel')}
      </button>
    </span>
  );
}
