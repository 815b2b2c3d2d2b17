import * as v from 'valibot';

/** What a store says of a stored value that does not parse: where it is and what failed, never its content. */
export interface Unreadable {
  /** The Redis key (and hash field), or the SQLite table, column and row id. */
  readonly key: string;
  /** The failing paths and what each expected, e.g. `item.from: must be 32 lowercase hex digits`; or `not JSON`. */
  readonly problem: string;
}
export type ReportUnreadable = (unreadable: Unreadable) => void;

/** For stores made without a reporter (tests, tools): a warning on stderr, which names the key only. */
export const warnUnreadable: ReportUnreadable = ({ key, problem }) =>
  console.warn(`stores: the value stored at ${key} does not parse (${problem}); it is read as absent`);

/**
 * Reads back a JSON value a store wrote, through the schema of what it should be: the database is outside this
 * process (another version of the server, another process, a hand), so what comes back is parsed, not cast. A
 * value that does not parse is reported and read as absent (undefined): the store's contract for a missing one.
 * Nothing of the value reaches the report: JSON.parse's and valibot's own messages quote the input.
 */
export function readStored<S extends v.GenericSchema>(
  schema: S,
  key: string,
  json: string,
  report: ReportUnreadable,
): v.InferOutput<S> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    report({ key, problem: 'not JSON' });
    return undefined;
  }
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  report({ key, problem: describe(result.issues) });
  return undefined;
}

function describe(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((issue) => {
      // Our own messages ("must encode exactly 32 bytes") say what failed; valibot's quote what it received.
      const quotes = issue.received !== '' && issue.message.includes(issue.received);
      const what = quotes ? `expected ${issue.expected ?? issue.type}` : issue.message;
      return `${v.getDotPath(issue) ?? '(the value)'}: ${what}`;
    })
    .join('; ');
}
