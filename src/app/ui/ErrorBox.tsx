import { i18n } from '../../i18n/i18n.ts';
import { errorAction, errorTitle, type AppErrorCode } from '../errors.ts';

interface Props {
  code: AppErrorCode;
  detail?: string | undefined;
  onRetry?: (() => void) | undefined;
  /** Instead of Retry: a button that only closes the message. */
  onDismiss?: (() => void) | undefined;
}

/** A user-visible error: what happened and what to do. */
export function ErrorBox({ code, detail, onRetry, onDismiss }: Props) {
  return (
    <div class="error" role="alert" data-testid="error" data-error-code={code}>
      <strong>{errorTitle(code)}</strong>
      {detail ? <span class="error-detail"> ({detail})</span> : null}
      <p>{errorAction(code)}</p>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          {i18n._('Retry')}
        </button>
      ) : null}
      {onDismiss && !onRetry ? (
        <button type="button" data-testid="error-dismiss" onClick={onDismiss}>
          {i18n._('Got it')}
        </button>
      ) : null}
    </div>
  );
}
