import { APP_ERRORS, type AppErrorCode } from '../errors.ts';

interface Props {
  code: AppErrorCode;
  detail?: string | undefined;
  onRetry?: (() => void) | undefined;
}

/** A user-visible error: what happened and what to do. */
export function ErrorBox({ code, detail, onRetry }: Props) {
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
    </div>
  );
}
