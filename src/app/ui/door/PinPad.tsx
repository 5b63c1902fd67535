import { useEffect, useRef, useState } from 'preact/hooks';
import type { PinResult } from '../../door-lock/door-lock.ts';
import { PIN_MAX_DIGITS, PIN_LOCKOUT_MS } from '../../door-lock/machine.ts';
import { useDevice, useSubscribed, useTicker } from '../hooks.ts';
import { i18n } from '../../../i18n/i18n.ts';

type Shown = { state: 'idle' } | { state: 'checking' } | { state: 'done'; result: PinResult };

/** m:ss */
function clock(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The owner's way past a locked door station: the PIN. Wrong PINs make the next try wait
 * longer and five in a row block it for 15 minutes (the device decides, `door-lock.ts`);
 * this only shows how long.
 */
export function PinPad({ onClose }: { onClose: () => void }) {
  const { doorLock } = useDevice();
  const [pin, setPin] = useState('');
  const [shown, setShown] = useState<Shown>({ state: 'idle' });
  const input = useRef<HTMLInputElement>(null);
  const now = useTicker(500);
  const blockedUntil = useSubscribed(
    (f) => doorLock.on('config', f),
    () => doorLock.config.guard.blockedUntil,
    [doorLock],
  );
  useEffect(() => input.current?.focus(), []);
  const wait = blockedUntil - now;
  const checking = shown.state === 'checking';
  const submit = async (e: Event) => {
    e.preventDefault();
    if (checking || wait > 0 || pin === '') return;
    setShown({ state: 'checking' });
    const r = await doorLock.tryPin(pin);
    setPin('');
    setShown({ state: 'done', result: r });
    input.current?.focus();
  };
  const result = shown.state === 'done' ? shown.result : null;
  const state = checking
    ? 'checking'
    : result && !result.ok
      ? result.reason === 'wrong' && wait <= 0
        ? 'wrong'
        : result.reason === 'wrong'
          ? 'wrong-wait'
          : result.reason
      : wait > 0
        ? 'blocked'
        : 'idle';
  return (
    <div class="pin-pad" role="dialog" aria-modal="true" aria-labelledby="pin-title">
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="pin-title">{i18n._('Owner PIN')}</h2>
        <label>
          {i18n._('PIN')}{' '}
          <input
            ref={input}
            data-testid="door-pin-input"
            type="password"
            inputMode="numeric"
            pattern="[0-9]*"
            autoComplete="off"
            maxLength={PIN_MAX_DIGITS}
            value={pin}
            onInput={(e) => setPin((e.target as HTMLInputElement).value.replace(/\D/g, ''))}
          />
        </label>
        <p data-testid="door-pin-status" data-state={state} role="status" aria-live="polite">
          {message(shown, wait)}
        </p>
        <div class="row">
          <button
            type="submit"
            class="primary"
            data-testid="door-pin-submit"
            disabled={checking || wait > 0 || pin === ''}
          >
            {i18n._('Unlock')}
          </button>
          <button type="button" data-testid="door-pin-cancel" onClick={onClose}>
            {i18n._('Cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}

function message(s: Shown, wait: number): string {
  if (s.state === 'checking') return i18n._('Checking…');
  const r = s.state === 'done' && !s.result.ok ? s.result : null;
  if (r?.reason === 'no-pin')
    return i18n._(
      'No PIN is set here. Unlock from a paired phone: open this camera there, “Who can watch”, “Unlock door station”.',
    );
  if (r?.reason === 'wrong') {
    const wrong =
      r.attemptsLeft > 0
        ? i18n._(
            '{count, plural, one {Wrong PIN. # try left before a {minutes}-minute block.} other {Wrong PIN. # tries left before a {minutes}-minute block.}}',
            { count: r.attemptsLeft, minutes: PIN_LOCKOUT_MS / 60_000 },
          )
        : i18n._('Wrong PIN. Blocked: too many wrong PINs.');
    return wait > 0 ? `${wrong} ${i18n._('Next try in {time}.', { time: clock(wait) })}` : wrong;
  }
  if (wait > 0)
    return i18n._('Too many wrong PINs. Next try in {time}. The owner’s phones were told.', {
      time: clock(wait),
    });
  return i18n._('Only the owner can leave the door station.');
}
