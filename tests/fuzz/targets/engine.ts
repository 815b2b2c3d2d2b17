/**
 * The engine's inbound path, in process, with fake transports and real crypto and storage: data-channel frames
 * from a contact and from strangers (before decryption), sealed frames holding hostile content (after
 * decryption), and mail. No throw may escape, no promise may be left rejected, and after every batch the engine
 * must still take a normal message.
 */
import fc from 'fast-check';
import * as v from 'valibot';
import { randomId } from '../../../shared/ids';
import { MailItemSchema } from '../../../shared/protocol/mailbox';
import {
  Fakes,
  frameFrom,
  onlineEngine,
  sealedBytesFrom,
  waitFor,
  type OnlineEngine,
} from '../../support/engine';
import { edgeMutations, payloadFor, randomPayload, toJson } from '../arbitraries';
import { timestampsInDateRange } from '../boundaries';
import { quietConsole, type Quiet } from '../console';
import { watchCrashes, type CrashWatch } from '../crashes';
import { anyContext, contentExamples, mailItem, peerFrameExamples, someone } from '../examples';
import { runProperty, type TargetReport } from '../report';

export interface EngineFuzzOptions {
  readonly seed: number;
  readonly frames: number;
  readonly contents: number;
  readonly mail: number;
  /** Cases between two canaries. */
  readonly batch: number;
  /** Also send every content field set to every edge value (deterministic: once per test run is enough). */
  readonly sweep: boolean;
}

interface Harness {
  readonly fakes: Fakes;
  readonly online: OnlineEngine;
  readonly watch: CrashWatch;
  readonly quiet: Quiet;
}

/** Bob's normal message must still arrive and be stored; nothing crashed or logged an error meanwhile. */
async function canary({ fakes, online, watch, quiet }: Harness): Promise<string | undefined> {
  const frame = await frameFrom(online.bob, online.self.userId, 'canary');
  fakes.mesh?.onFrame(online.bob.user.userId, frame);
  try {
    await waitFor(() => {
      if (!online.messages.some((message) => message.id === frame.id)) throw new Error('not yet');
    }, 20_000);
  } catch {
    return 'canary: a normal message from Bob was not taken after this batch';
  }
  // What the engine took from peers must be showable: a timestamp past the Date range breaks the popup.
  const unshowable = online.messages.map((message) => timestampsInDateRange(message)).find(Boolean);
  // What a long run would otherwise keep in memory.
  fakes.forget();
  online.messages.length = 0;
  online.states.length = 0;
  const problems = [
    ...watch.drain(),
    ...quiet.drainErrors().map((error) => `console.error: ${error}`),
    ...(unshowable ? [`the engine stored a message it cannot show: ${unshowable}`] : []),
  ];
  return problems.length > 0 ? problems.join('\n') : undefined;
}

async function fuzzCases<T>(
  target: string,
  harness: Harness,
  {
    numRuns,
    seed,
    batch,
    sweep = [],
  }: { numRuns: number; seed: number; batch: number; sweep?: readonly T[] },
  cases: fc.Arbitrary<T>,
  body: (input: T) => Promise<void>,
): Promise<TargetReport> {
  let count = 0;
  const checked = async (input: T) => {
    await body(input); // a synchronous throw from the engine fails the case
    if (++count % batch === 0) {
      const problem = await canary(harness);
      if (problem) throw new Error(problem);
    }
  };
  for (const input of sweep) {
    try {
      await checked(input);
    } catch (error) {
      const failure = `${target}: ${error instanceof Error ? error.message : String(error)}\n  input: ${String(input).slice(0, 500)}`;
      return { target, cases: count, failures: [failure] };
    }
  }
  const report = await runProperty(target, fc.asyncProperty(cases, checked), { numRuns, seed });
  const problem = report.failures.length === 0 ? await canary(harness) : undefined;
  return {
    target,
    cases: sweep.length + report.cases,
    failures: problem ? [`${target}: after the last case: ${problem}`] : report.failures,
  };
}

export async function fuzzEngine(options: EngineFuzzOptions): Promise<TargetReport[]> {
  const watch = watchCrashes();
  const quiet = quietConsole();
  try {
    const fakes = new Fakes();
    const online = await onlineEngine(fakes);
    const harness: Harness = { fakes, online, watch, quiet };
    const { bob, self } = online;
    const mesh = () => {
      if (!fakes.mesh || !fakes.handlers) throw new Error('fuzz: the engine is not online');
      return { mesh: fakes.mesh, handlers: fakes.handlers };
    };
    const strangers = [someone().userId, someone().userId];
    const senders = fc.constantFrom(bob.user.userId, ...strangers);
    const examples = peerFrameExamples();
    const real = await frameFrom(bob, self.userId, 'a real frame to mutate');
    const { seed, batch } = options;
    const reports: TargetReport[] = [];

    reports.push(
      await fuzzCases(
        'engine: data-channel frames',
        harness,
        { numRuns: options.frames, seed, batch },
        fc.tuple(senders, payloadFor([real, examples.sealed, examples.hello, examples.heartbeat])),
        async ([from, data]) => mesh().mesh.onFrame(from, data),
      ),
    );

    // After decryption: Bob's engine seals whatever it is given, as a hostile peer's would.
    const contents = Object.values(contentExamples({ ...anyContext(), peer: self.userId }));
    const chatId = contents.find((content) => content.kind === 'chat')?.id;
    const plaintexts = fc.oneof(
      { weight: 6, arbitrary: payloadFor(contents).map(toJson) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
      { weight: 1, arbitrary: randomPayload.map((value) => `${toJson(value)}}`) },
    );
    reports.push(
      await fuzzCases(
        'engine: sealed content',
        harness,
        // Every field of every kind of content set to every edge value first, then random cases.
        {
          numRuns: options.contents,
          seed,
          batch,
          sweep: options.sweep ? contents.flatMap((content) => [...edgeMutations(content)].map(toJson)) : [],
        },
        plaintexts,
        async (mutant) => {
          // A new message id each time (a known id is dropped as a copy before decryption), the same inside
          // and outside, so that the content itself is what gets checked.
          const id = randomId();
          const plaintext = chatId ? mutant.replaceAll(chatId, id) : mutant;
          const frame = await sealedBytesFrom(bob, self.userId, new TextEncoder().encode(plaintext), id);
          mesh().mesh.onFrame(bob.user.userId, frame);
        },
      ),
    );

    // Mail reaches the engine once signaling has validated it against MailItemSchema: only such items here.
    const items = fc
      .tuple(senders, payloadFor([mailItem(bob.user.userId, real.message), mailItem(strangers[0] ?? '')]))
      .filter(([, item]) => v.is(MailItemSchema, item));
    reports.push(
      await fuzzCases(
        'engine: mail',
        harness,
        { numRuns: options.mail, seed, batch },
        items,
        async ([, item]) => mesh().handlers.onMail(item as v.InferOutput<typeof MailItemSchema>),
      ),
    );
    await online.engine.lock({});
    return reports;
  } finally {
    quiet.restore();
    watch.stop();
  }
}
