/**
 * ICE servers the engine may use for its peer connections. None by default: no third party learns who talks to
 * whom. An operator may configure STUN and a TURN server (coturn); TURN credentials are short-lived, issued per
 * session in coturn's shared-secret ("TURN REST API") mode.
 */
import * as v from 'valibot';
import { MAX_URL_LENGTH } from '../limits';

const IceUrlSchema = v.pipe(
  v.string(),
  v.maxLength(MAX_URL_LENGTH),
  v.regex(/^(stun|stuns|turn|turns):[^\s]+$/, 'must be a stun:, stuns:, turn: or turns: URL'),
);

export const IceServerSchema = v.object({
  urls: v.pipe(v.array(IceUrlSchema), v.minLength(1), v.maxLength(8)),
  username: v.optional(v.pipe(v.string(), v.maxLength(256))),
  credential: v.optional(v.pipe(v.string(), v.maxLength(256))),
});
export type IceServer = v.InferOutput<typeof IceServerSchema>;

export const IceServersSchema = v.object({
  iceServers: v.pipe(v.array(IceServerSchema), v.maxLength(8)),
  /** When the credentials stop working, ms since epoch; ask again before. */
  expiresAt: v.pipe(v.number(), v.integer()),
});
export type IceServers = v.InferOutput<typeof IceServersSchema>;
