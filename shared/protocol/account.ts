/**
 * Requests a signed-in user makes about their account: `account:release-name` frees their name (the key keeps
 * everything else) and `account:delete` makes the server forget everything it holds for them. Each carries a
 * signature over accountStatement (shared/crypto/account-statement.ts) with a fresh challenge; the server then
 * ends the session.
 */
import * as v from 'valibot';
import { CHALLENGE_LENGTH, SIGNATURE_LENGTH, ServerOriginSchema, bytesSchema } from '../crypto/identity';

export const AccountRequestSchema = v.strictObject({
  /** The server the client means, as it signed it. */
  origin: ServerOriginSchema,
  /** A challenge this connection got from `session:challenge`: each works once. */
  challenge: bytesSchema(CHALLENGE_LENGTH),
  signature: bytesSchema(SIGNATURE_LENGTH),
});
export type AccountRequest = v.InferOutput<typeof AccountRequestSchema>;

/** The name was released (false: the key held none, e.g. already released). */
export const NameReleasedSchema = v.pipe(v.object({ released: v.boolean() }), v.readonly());
/** The account is gone. */
export const AccountDeletedSchema = v.pipe(v.object({ deleted: v.literal(true) }), v.readonly());
