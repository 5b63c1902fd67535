/** The viewer's "keep links ready" switch (issue 16, `viewer/warm-links.ts`). */
import { useEffect, useState } from 'preact/hooks';
import { useDevice } from './hooks.ts';
import { i18n } from '../../i18n/i18n.ts';

const warmLinks = () => import('../viewer/warm-links.ts');

export function WarmLinkSetting() {
  const device = useDevice();
  const [on, setOn] = useState<boolean | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    warmLinks()
      .then((m) => m.warmLinksOn(device))
      .then((v) => live && setOn(v))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [device]);
  if (on === null) return null;
  return (
    <section class="warm-links">
      <label>
        <input
          type="checkbox"
          role="switch"
          data-testid="warm-links"
          checked={on}
          onChange={(e) => {
            const next = (e.target as HTMLInputElement).checked;
            setOn(next);
            setFailed(false);
            warmLinks()
              .then((m) => m.chooseWarmLinks(device, next))
              .catch(() => {
                setOn(!next);
                setFailed(true);
              });
          }}
        />{' '}
        {i18n._('Keep cameras ready while Doorpeer is open')}
      </label>
      <p class="fine">
        {i18n._(
          'Live video then starts at once. The cameras send nothing until you open one, and still check your permission each time.',
        )}
      </p>
      {failed ? (
        <p role="alert">{i18n._('This setting could not be saved. Reload the page and try again.')}</p>
      ) : null}
    </section>
  );
}
