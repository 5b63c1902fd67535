import { i18n } from '../../i18n/i18n.ts';
import { LanguageSelect } from './LanguageSelect.tsx';
import { navigate, useDevice } from './hooks.ts';
import type { Role } from '../db.ts';

export function FirstRun() {
  const device = useDevice();
  const choose = async (role: Role) => {
    await device.setRole(role);
    navigate(`/${role}`);
  };
  return (
    <main class="first-run">
      <h1>Doorpeer</h1>
      <p>{i18n._('A doorbell and home camera with no cloud. What should this device be?')}</p>
      <div class="choices">
        <button type="button" class="big" data-testid="choose-camera" onClick={() => void choose('camera')}>
          <strong>{i18n._('Use as camera')}</strong>
          <span>{i18n._('This device watches the door. Keep it plugged in.')}</span>
        </button>
        <button type="button" class="big" data-testid="choose-viewer" onClick={() => void choose('viewer')}>
          <strong>{i18n._('Use as viewer')}</strong>
          <span>{i18n._('Watch your cameras from this device.')}</span>
        </button>
      </div>
      <LanguageSelect />
      <p class="fine">{i18n._('No account, no password: devices pair with a code and talk peer to peer.')}</p>
    </main>
  );
}
