import type { ErrorCode } from '../../../shared/errors';

/** An error meant for the user: its message says what happened and what to do. */
export class EngineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
