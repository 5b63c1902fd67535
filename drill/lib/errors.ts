/** Typed failures of the drill harness itself (a drill's findings are `problems`, not errors). */
export type DrillErrorCode = 'BAD_ARGS' | 'SETUP_FAILED' | 'TIMEOUT' | 'ABORTED' | 'NO_RESULT';

export class DrillError extends Error {
  override readonly name = 'DrillError';
  constructor(
    readonly code: DrillErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
