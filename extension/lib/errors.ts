import type { ErrorCode } from '../../shared/errors';

/**
 * An error meant for the user: its message says what happened and what to do. Thrown by any layer (vault,
 * storage, engine); the port carries its code and message to the page.
 */
export class EngineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** The message to show for what was thrown or rejected (the engine's messages are written for users). */
export function errorMessage(caught: unknown): string {
  return caught instanceof Error ? caught.message : String(caught);
}
