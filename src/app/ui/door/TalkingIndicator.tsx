import type { DoorStation } from '../../doorbell/door-station.ts';
import { useSubscribed } from '../hooks.ts';
import { i18n } from '../../../i18n/i18n.ts';

/** On the owner's camera screen: which viewer's voice plays here. (The door screen names nobody.) */
export function TalkingIndicator({ door }: { door: DoorStation }) {
  const talkers = useSubscribed(
    (f) => door.on('talkers', f),
    () => door.talk.talkers(),
    [door],
  );
  if (talkers.length === 0) return null;
  return (
    <p class="talking" data-testid="talking-indicator" role="status" aria-live="assertive">
      {i18n._('{count, plural, one {{names} is talking} other {{names} are talking}}', {
        count: talkers.length,
        names: talkers.map((t) => t.name).join(', '),
      })}
    </p>
  );
}
