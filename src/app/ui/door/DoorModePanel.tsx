import { useState } from 'preact/hooks';
import {
  checkNewPin,
  PIN_MAX_DIGITS,
  PIN_MIN_DIGITS,
  type LockState,
  type PinProblem,
} from '../../door-lock/machine.ts';
import { useDevice, useSubscribed, useTicker } from '../hooks.ts';

const PIN_PROBLEM: Record<PinProblem, string> = {
  length: `The PIN must have ${PIN_MIN_DIGITS} to ${PIN_MAX_DIGITS} digits.`,
  digits: 'The PIN may only have digits.',
  mismatch: 'The two PINs differ. Type the same PIN twice.',
  'too-simple': 'That PIN is the first a visitor would try. Choose another.',
};

/**
 * The door station switch on the camera's own (owner's) screen. Turning door mode on asks
 * for an owner PIN the first time and needs a paired viewer (the first pairing happens
 * before the door is locked). While unlocked: when it locks again, lock now, turn door mode
 * off, a new PIN, and the name visitors see when the owner answers.
 */
export function DoorModePanel({ lock, viewers }: { lock: LockState; viewers: number }) {
  const { doorLock } = useDevice();
  const config = useSubscribed(
    (f) => doorLock.on('config', f),
    () => doorLock.config,
    [doorLock],
  );
  const [settingPin, setSettingPin] = useState(false);
  const now = useTicker(1000);

  const enter = (pin?: string) => {
    void document.documentElement.requestFullscreen?.().catch(() => undefined);
    void doorLock.turnOn(pin);
  };

  if (lock.kind === 'off') {
    return (
      <section class="door-mode" aria-label="Door station">
        <span data-testid="door-lock-state" data-state="off" hidden />
        {viewers === 0 ? (
          <p class="fine" data-testid="door-mode-needs-viewer">
            Door station: pair your phone first, so that you can unlock it from there too.
          </p>
        ) : settingPin ? (
          <PinForm
            title="Choose an owner PIN for the door station"
            onDone={(pin) => {
              setSettingPin(false);
              enter(pin);
            }}
            onCancel={() => setSettingPin(false)}
          />
        ) : (
          <button
            type="button"
            data-testid="doorbell-mode"
            aria-pressed="false"
            onClick={() => (config.pin ? enter() : setSettingPin(true))}
          >
            Use as door station (ring button for visitors)
          </button>
        )}
      </section>
    );
  }
  const left = lock.kind === 'unlocked' ? Math.max(0, Math.ceil((lock.until - now) / 1000)) : 0;
  return (
    <section class="door-mode" aria-label="Door station">
      <p data-testid="door-lock-state" data-state={lock.kind} role="status">
        Door station unlocked{lock.kind === 'unlocked' && lock.by === 'remote' ? ' from a paired phone' : ''}.
        It locks again in {Math.floor(left / 60)}:{String(left % 60).padStart(2, '0')} without use.
      </p>
      <div class="row">
        <button type="button" class="primary" data-testid="door-lock-now" onClick={() => doorLock.lockNow()}>
          Back to the door station
        </button>
        <button
          type="button"
          data-testid="doorbell-mode"
          aria-pressed="true"
          onClick={() => void doorLock.turnOff()}
        >
          Turn the door station off
        </button>
        <button type="button" data-testid="door-pin-change" onClick={() => setSettingPin((v) => !v)}>
          {config.pin ? 'Change PIN' : 'Set a PIN'}
        </button>
      </div>
      {settingPin ? (
        <PinForm
          title="New owner PIN"
          onDone={(pin) => {
            setSettingPin(false);
            void doorLock.changePin(pin);
          }}
          onCancel={() => setSettingPin(false)}
        />
      ) : null}
      <label>
        Name visitors see when you answer{' '}
        <input
          data-testid="door-answer-name"
          maxLength={40}
          placeholder="The owner"
          value={config.answerName}
          onChange={(e) => void doorLock.setAnswerName((e.target as HTMLInputElement).value)}
        />
      </label>
    </section>
  );
}

function PinForm({
  title,
  onDone,
  onCancel,
}: {
  title: string;
  onDone: (pin: string) => void;
  onCancel: () => void;
}) {
  const [pin, setPin] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<PinProblem | null>(null);
  const digits = (e: Event) => (e.target as HTMLInputElement).value.replace(/\D/g, '');
  return (
    <form
      class="pin-form"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        const p = checkNewPin(pin, repeat);
        setProblem(p);
        if (!p) onDone(pin);
      }}
    >
      <p>
        <strong>{title}</strong>
      </p>
      <p class="fine">
        Leaving the door station or opening its settings will need this PIN, or an unlock from your phone.
      </p>
      <label>
        PIN{' '}
        <input
          data-testid="door-pin-new"
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
          maxLength={PIN_MAX_DIGITS}
          value={pin}
          onInput={(e) => setPin(digits(e))}
        />
      </label>{' '}
      <label>
        Again{' '}
        <input
          data-testid="door-pin-repeat"
          type="password"
          inputMode="numeric"
          autoComplete="new-password"
          maxLength={PIN_MAX_DIGITS}
          value={repeat}
          onInput={(e) => setRepeat(digits(e))}
        />
      </label>
      {problem ? (
        <p class="warn" data-testid="door-pin-problem" data-problem={problem} role="alert">
          {PIN_PROBLEM[problem]}
        </p>
      ) : null}
      <div class="row">
        <button type="submit" class="primary" data-testid="door-pin-save">
          Save PIN
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
