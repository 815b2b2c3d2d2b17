/** Every boundary schema parses anything without throwing, and refuses with a message naming what is wrong. */
import fc from 'fast-check';
import { parse } from '../../../shared/validate';
import { edgeMutations, payloadFor, toJson } from '../arbitraries';
import { boundaries, type Boundary } from '../boundaries';
import { runProperty, type FuzzOptions, type TargetReport } from '../report';

/** Parses `input` with the boundary's schema; says what is wrong, if anything. */
function check(boundary: Boundary, input: unknown): string | undefined {
  const result = parse(boundary.schema, input); // a throw fails the case
  if (!result.ok)
    return typeof result.message === 'string' && result.message.trim() !== ''
      ? undefined
      : `${boundary.name}: refused with no message`;
  const broken = boundary.invariant?.(result.value);
  return broken && `${boundary.name}: ${broken}`;
}

/** Every boundary's examples with each field set to each edge value, in turn; no randomness. */
export function sweepValidators(): TargetReport {
  let cases = 0;
  const failures: string[] = [];
  for (const boundary of boundaries())
    for (const example of boundary.examples)
      for (const input of edgeMutations(example)) {
        cases += 1;
        let problem: string | undefined;
        try {
          problem = check(boundary, input);
        } catch (error) {
          problem = `${boundary.name}: parse threw ${String(error)}`;
        }
        if (problem && failures.length < 20) failures.push(`${problem}\n  input: ${preview(input)}`);
      }
  return { target: 'validators (edge sweep)', cases, failures };
}

function preview(input: unknown): string {
  try {
    const text = toJson(input);
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return '(not JSON)';
  }
}

export function fuzzValidators(options: FuzzOptions): Promise<TargetReport> {
  const all = boundaries();
  const cases = fc
    .nat({ max: all.length - 1 })
    .chain((index) => fc.tuple(fc.constant(index), payloadFor(all[index]?.examples ?? [])));
  const property = fc.property(cases, ([index, input]) => {
    const boundary = all[index];
    if (!boundary) throw new Error(`no boundary ${index}`);
    const problem = check(boundary, input);
    if (problem) throw new Error(problem);
  });
  return runProperty('validators', property, options);
}
