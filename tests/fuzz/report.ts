/** Runs one fuzz target's property and reports how many cases ran and what failed, with fast-check's seed and path. */
import fc from 'fast-check';

export interface FuzzOptions {
  /** Cases to run. */
  readonly numRuns: number;
  /** fast-check's seed; the same seed replays the same cases. */
  readonly seed: number;
}

export interface TargetReport {
  readonly target: string;
  readonly cases: number;
  /** Each failure as fast-check reports it: the seed and path to replay it, and the input. */
  readonly failures: readonly string[];
}

const MAX_REPORT_LENGTH = 4_000; // characters: a counterexample may hold a 300 000-character string

export async function runProperty<T>(
  target: string,
  property: fc.IAsyncPropertyWithHooks<T> | fc.IPropertyWithHooks<T>,
  { numRuns, seed }: FuzzOptions,
): Promise<TargetReport> {
  // No shrinking: over real sockets it would replay hundreds of cases, and the first failing input is enough.
  const details = await fc.check(property, { numRuns, seed, endOnFailure: true });
  const failures = details.failed ? [truncate(`${target}: ${describe(details)}`)] : [];
  return { target, cases: details.numRuns, failures };
}

/** The error first, then how to replay it, then the input (cut short: it may hold a 300 000-character string). */
function describe<T>(details: fc.RunDetails<T>): string {
  const error =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  let input: string;
  try {
    input = fc.stringify(details.counterexample);
  } catch {
    input = '(too deep to print)';
  }
  return [
    error,
    `replay: seed ${details.seed}, path "${details.counterexamplePath}" (FUZZ_SEED=${details.seed})`,
    `input: ${input.length > 1_000 ? `${input.slice(0, 1_000)}…` : input}`,
  ].join('\n  ');
}

function truncate(text: string): string {
  return text.length > MAX_REPORT_LENGTH ? `${text.slice(0, MAX_REPORT_LENGTH)}… (truncated)` : text;
}

/** A seed for this run: FUZZ_SEED if set (to replay a failure), else random. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const fixed = Number(env.FUZZ_SEED);
  return Number.isInteger(fixed) ? fixed : Math.floor(Math.random() * 2 ** 31);
}
