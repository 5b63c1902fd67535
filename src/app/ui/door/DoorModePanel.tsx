import { useState } from 'preact/hooks';
import {
  checkNewPin,
  PIN_MAX_DIGITS,
  PIN_MIN_DIGITS,
  type LockState,
  type PinProblem,
} from '../../door-lock/machine.ts';
import { useDevice, useSubscribed, useTicker } from '../hooks.ts';
import { i18n } from '../../../i18n/i18n.ts';

function pinProblemText(problem: PinProblem): string {
  switch (problem) {
    case 'length':
      return i18n._('The PIN must have {min} to {max} digits.', { min: PIN_MIN_DIGITS, max: PIN_MAX_DIGITS });
    case 'digits':
      return i18n._('The PIN may only have digits.');
    case 'mismatch':
      return i18n._('The two PINs differ. Type the same PIN twice.');
    case 'too-simple':
      return i18n._('That PIN is the first a visitor would try. Choose another.');
  }
}

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
      <section class="door-mode" aria-label={i18n._('Door station')}>
        <span data-testid="door-lock-state" data-state="off" hidden />
        {viewers === 0 ? (
          <p class="fine" data-testid="door-mode-needs-viewer">
            {i18n._('Door station: pair your phone first, so that you can unlock it from there too.')}
          </p>
        ) : settingPin ? (
          <PinForm
            title={i18n._('Choose an owner PIN for the door station')}
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
            {i18n._('Use as door station (ring button for visitors)')}
          </button>
        )}
      </section>
    );
  }
  const left = lock.kind === 'unlocked' ? Math.max(0, Math.ceil((lock.until - now) / 1000)) : 0;
  const time = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  return (
    <section class="door-mode" aria-label={i18n._('Door station')}>
      <p data-testid="door-lock-state" data-state={lock.kind} role="status">
        {lock.kind === 'unlocked' && lock.by === 'remote'
          ? i18n._('Door station unlocked from a paired phone. It locks again in {time} without use.', {
              time,
            })
          : i18n._('Door station unlocked. It locks again in {time} without use.', { time })}
      </p>
      <div class="row">
        <button type="button" class="primary" data-testid="door-lock-now" onClick={() => doorLock.lockNow()}>
          {i18n._('Back to the door station')}
        </button>
        <button
          type="button"
          data-testid="doorbell-mode"
          aria-pressed="true"
          onClick={() => void doorLock.turnOff()}
        >
          {i18n._('Turn the door station off')}
        </button>
        <button type="button" data-testid="door-pin-change" onClick={() => setSettingPin((v) => !v)}>
          {config.pin ? i18n._('Change PIN') : i18n._('Set a PIN')}
        </button>
      </div>
      {settingPin ? (
        <PinForm
          title={i18n._('New owner PIN')}
          onDone={(pin) => {
            setSettingPin(false);
            void doorLock.changePin(pin);
          }}
          onCancel={() => setSettingPin(false)}
        />
      ) : null}
      <label>
        {i18n._('Name visitors see when you answer')}{' '}
        <input
          data-testid="door-answer-name"
          maxLength={40}
          placeholder={i18n._('The owner')}
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
        {i18n._(
          'Leaving the door station or opening its settings will need this PIN, or an unlock from your phone.',
        )}
      </p>
      <label>
        {i18n._('PIN')}{' '}
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
        {i18n._('Again')}{' '}
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
          {pinProblemText(problem)}
        </p>
      ) : null}
      <div class="row">
        <button type="submit" class="primary" data-testid="door-pin-save">
          {i18n._('Save PIN')}
        </button>
        <button type="button" onClick={onCancel}>
          {i18n._('Cancel')}
        </button>
      </div>
    </form>
  );
}
