import { APP_ERRORS, type AppErrorCode } from '../errors.ts';

interface Props {
  code: AppErrorCode;
  detail?: string | undefined;
  onRetry?: (() => void) | undefined;
  /** Instead of Retry: a button that only closes the message. */
  onDismiss?: (() => void) | undefined;
}

/** A user-visible error: what happened and what to do. */
export function ErrorBox({ code, detail, onRetry, onDismiss }: Props) {
  const e = APP_ERRORS[code];
  return (
    <div class="error" role="alert" data-testid="error" data-error-code={code}>
      <strong>{e.title}</strong>
      {detail ? <span class="error-detail"> ({detail})</span> : null}
      <p>{e.action}</p>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      ) : null}
      {onDismiss && !onRetry ? (
        <button type="button" data-testid="error-dismiss" onClick={onDismiss}>
          Got it
        </button>
      ) : null}
    </div>
  );
}
