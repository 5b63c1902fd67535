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
      <p>A doorbell and home camera with no cloud. What should this device be?</p>
      <div class="choices">
        <button type="button" class="big" data-testid="choose-camera" onClick={() => void choose('camera')}>
          <strong>Use as camera</strong>
          <span>This device watches the door. Keep it plugged in.</span>
        </button>
        <button type="button" class="big" data-testid="choose-viewer" onClick={() => void choose('viewer')}>
          <strong>Use as viewer</strong>
          <span>Watch your cameras from this device.</span>
        </button>
      </div>
      <p class="fine">No account, no password: devices pair with a code and talk peer to peer.</p>
    </main>
  );
}
