import * as v from 'valibot';

/** Error codes the server and the engine send across a boundary. Messages say how to fix the problem. */
export const ErrorCode = {
  InvalidPayload: 'invalid-payload',
  UnknownEvent: 'unknown-event',
  Unauthenticated: 'unauthenticated',
  NameTaken: 'name-taken',
  KeyChanged: 'key-changed',
  RateLimited: 'rate-limited',
  NotFound: 'not-found',
  Locked: 'locked',
  WrongPassphrase: 'wrong-passphrase',
  QuotaExceeded: 'quota-exceeded',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const WireErrorSchema = v.pipe(
  v.object({ code: v.picklist(Object.values(ErrorCode)), message: v.string() }),
  v.readonly(),
);
export type WireError = v.InferOutput<typeof WireErrorSchema>;

/** The answer to every request: data, or an error the caller can show. */
export type Result<T> =
  { readonly ok: true; readonly data: T } | { readonly ok: false; readonly error: WireError };

export function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

export function fail(code: ErrorCode, message: string): { ok: false; error: WireError } {
  return { ok: false, error: { code, message } };
}
