/**
 * `npm run fuzz`: the fuzz suite at volume (over 1,000,000 cases; FUZZ_SCALE multiplies every count, FUZZ_SEED
 * replays a run). Prints, per target, the cases run and the failures, then the total and the peak RSS.
 */
import { fuzzEngine } from '../tests/fuzz/targets/engine';
import { fuzzServe } from '../tests/fuzz/targets/serve';
import { fuzzServer } from '../tests/fuzz/targets/server';
import { fuzzValidators, sweepValidators } from '../tests/fuzz/targets/validators';
import { seedFromEnv, type TargetReport } from '../tests/fuzz/report';

const scale = Number(process.env.FUZZ_SCALE ?? 1);
const n = (count: number) => Math.max(1, Math.round(count * scale));
const seed = seedFromEnv();
const MiB = 1024 * 1024;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

const reports: TargetReport[] = [];
const started = Date.now();
async function run(label: string, work: () => Promise<TargetReport | TargetReport[]>): Promise<void> {
  const t0 = Date.now();
  process.stderr.write(`fuzz: ${label}…\n`);
  const done = await work();
  for (const report of Array.isArray(done) ? done : [done]) {
    reports.push(report);
    const rss = Math.round(process.memoryUsage().rss / MiB);
    console.log(
      `${report.target.padEnd(34)} ${String(report.cases).padStart(9)} cases  ${report.failures.length} failures  (rss ${rss} MiB)`,
    );
  }
  process.stderr.write(`fuzz: ${label} took ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}

console.log(`fuzz: seed ${seed} (FUZZ_SEED=${seed} replays it), scale ${scale}`);
// The schemas carry most of the volume; the server over real sockets as many as fit in a few minutes.
await run('validators', async () => [sweepValidators(), await fuzzValidators({ numRuns: n(950_000), seed })]);
await run('engine', () =>
  fuzzEngine({ seed, frames: n(20_000), contents: n(4_000), mail: n(10_000), batch: 500, sweep: true }),
);
await run('port', () => fuzzServe({ seed, numRuns: n(20_000) }));
await run('server', () =>
  fuzzServer({
    seed,
    events: n(15_000),
    rawFrames: n(5_000),
    peerjsFrames: n(5_000),
    refusedPeerjs: n(2_000),
    batch: 1_000,
    onReport: (report) => process.stderr.write(`fuzz: ${report.target}: ${report.cases} cases\n`),
  }),
);
clearInterval(sampler);

const total = reports.reduce((sum, report) => sum + report.cases, 0);
const failures = reports.flatMap((report) => report.failures);
const maxRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024); // maxRSS is in KiB
console.log(
  `total: ${total} cases, ${failures.length} failures, in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
console.log(`peak RSS: ${Math.round(maxRss / MiB)} MiB`);
for (const failure of failures) console.log(`\nFAILURE ${failure}`);
process.exit(failures.length > 0 ? 1 : 0);
