/**
 * Typed failures of the benchmark harness. Each has a fixed `code` so that a
 * contender that cannot be measured is reported as `{ error: { code, message } }`
 * in the results JSON instead of a number.
 */
export type BenchErrorCode =
  | 'BAD_ARGS'
  | 'CHROMIUM_MISSING'
  | 'FIXTURE_MISSING'
  | 'APP_NOT_BUILT'
  | 'RELAY_START_FAILED'
  | 'PAGE_FAILED'
  | 'PAIRING_FAILED'
  | 'TIMEOUT'
  | 'ABORTED';

export class BenchError extends Error {
  override readonly name = 'BenchError';
  constructor(
    readonly code: BenchErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What goes into the results file for a failure: never a stack, just what happened. */
export function describeError(err: unknown): { code: string; message: string } {
  if (err instanceof BenchError) return { code: err.code, message: err.message };
  if (err instanceof Error) return { code: 'UNEXPECTED', message: err.message.split('\n')[0] ?? err.name };
  return { code: 'UNEXPECTED', message: String(err) };
}
