import { useState } from 'preact/hooks';

/** Unpair with an in-page confirmation (no blocking `confirm()` dialog). */
export function UnpairButton({ name, onUnpair }: { name: string; onUnpair: () => Promise<void> | void }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" data-testid="unpair" onClick={() => setAsking(true)}>
        Unpair
      </button>
    );
  }
  return (
    <span class="confirm" role="group" aria-label={`Unpair ${name}?`}>
      Unpair {name}? It will need a new code to pair again.{' '}
      <button type="button" data-testid="unpair-confirm" class="danger" onClick={() => void onUnpair()}>
        Unpair
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
