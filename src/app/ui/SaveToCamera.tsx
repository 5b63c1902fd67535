import type { ComponentChildren } from 'preact';
import type { EditPhase } from './use-remote-setting.ts';
import { i18n } from '../../i18n/i18n.ts';

/** The save button of a setting edited from afar, with what became of the last save. */
export function SaveToCamera({
  testId,
  phase,
  onSave,
  children,
}: {
  testId: string;
  phase: EditPhase;
  onSave: () => void;
  /** More buttons, between the save button and the status. */
  children?: ComponentChildren;
}) {
  return (
    <div class="editor-tools">
      <button type="button" data-testid={testId} disabled={phase !== 'editing'} onClick={onSave}>
        {i18n._('Save to camera')}
      </button>
      {children}
      <span class="fine" role="status">
        {phase === 'saved'
          ? i18n._('Saved on the camera.')
          : phase === 'saving'
            ? i18n._('Saving…')
            : i18n._('Not saved yet.')}
      </span>
    </div>
  );
}
