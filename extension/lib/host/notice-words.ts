/**
 * A notice's words as keys and substitutions, worded where it is shown: Chrome's offscreen document, where the
 * engine runs, has no i18n API, so it sends these to the background's worker, which words them in the browser's
 * language (Firefox's background page hosts both and words them itself).
 */
import * as v from 'valibot';
import { MAX_FILE_NAME_LENGTH } from '../../../shared/limits';
import { t, type MessageKey } from '../i18n';

/** The strings a notice may be made of: the background words no other key for the engine's page. */
export const NOTICE_KEYS = [
  'aContact',
  'callIncomingVideo',
  'callIncomingVoice',
  'noticeAnswerInCallWindow',
  'noticeFileDelivered',
  'noticeFileDeliveredBody',
  'noticeFileFailed',
  'noticeFileNotCompleted',
  'noticeFileOffered',
  'noticeFileOfferedBody',
  'noticeFileReceived',
  'noticeFileReceivedBody',
  'withReason',
] as const satisfies readonly MessageKey[];

const KeySchema = v.picklist(NOTICE_KEYS);

export const WordsSchema = v.strictObject({
  key: KeySchema,
  // A substitution is text from the engine (a name, a file name and size, a reason), or a string of ours.
  words: v.pipe(
    v.array(
      v.union([
        v.pipe(v.string(), v.maxLength(MAX_FILE_NAME_LENGTH + 256)),
        v.strictObject({ key: KeySchema }),
      ]),
    ),
    v.maxLength(4),
  ),
});
export type Words = v.InferOutput<typeof WordsSchema>;

/** `key` with `words` substituted: a plain string goes as it is, a `{ key }` is worded first. */
export const words = (key: Words['key'], substitutions: Words['words'] = []): Words => ({
  key,
  words: substitutions,
});

/** The text `given` says, in this context's language. */
export function worded({ key, words: substitutions }: Words): string {
  return t(
    key,
    substitutions.map((word) => (typeof word === 'string' ? word : t(word.key))),
  );
}
