/**
 * What a call carries: sound only, or sound and video. Apart from call.ts, whose signaling schemas need the key
 * formats: a page that only names a call (the call window's address) loads this line, not those.
 */
import * as v from 'valibot';

export const MediaKindSchema = v.picklist(['audio', 'video']);
export type MediaKind = v.InferOutput<typeof MediaKindSchema>;
