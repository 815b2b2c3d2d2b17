/**
 * `npm run bench`: file transfer through the product beside a bare data channel, in the same run and the same two
 * headless Chromium users, for 256 MiB and 1 GiB.
 *
 * - product: Alice's page hands her engine a File over the direct channel (sendFiles), as the share window does;
 *   the File is read from disk as a picked file is (BENCH_FILE_SOURCE=memory: a Blob built in the page from 1 MiB
 *   parts instead). Bob's page accepts the offer when its `transfer` event shows it. Timed in the pages: from the
 *   sendFiles call, and from the accept, to Bob's `done` (checked against its SHA-256, saved through the downloads).
 * - bare: an RTCDataChannel between two plain pages of the same two browsers, 64 KiB chunks made in the page, the
 *   product's bufferedAmount back-pressure; the receiver only counts.
 * - memory: the peak RSS of each browser's whole process tree while each transfer runs (process-memory.ts).
 * - CPU: seconds by process kind and thread over each transfer (thread-cpu.ts): which threads the product adds.
 * - BENCH_FILE_PROFILE=1: one more product transfer of the first size under a CPU profile of both engines (the
 *   offscreen documents), summed by area per MiB (engine-profile.ts; BENCH_PROFILE_DIR keeps the raw profiles).
 * The saved downloads and the source files are deleted after each transfer. Prints figures; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { UserId } from '../shared/ids';
import { onlineUsers, type ChromeUser } from '../tests/support/chrome-extension';
import { engineCall } from '../tests/support/engine-port';
import { startTestServer } from '../tests/support/server';
import { describeProfile, startEngineProfile } from './engine-profile';
import { openBareChannel, type BareChannel } from './file-transfer/bare-channel';
import { removeDownloads, type RemovedDownload } from './file-transfer/downloads';
import { openEnginePage } from './file-transfer/engine-page';
import { browserPid, sampleRss } from './file-transfer/process-memory';
import { productTransfer, type FileSource, type ProductMarks } from './file-transfer/product-transfer';
import { writeSourceFile } from './file-transfer/source-file';
import { describeCpu, watchThreadCpu } from './file-transfer/thread-cpu';

const MiB = 1024 * 1024;
const SIZES: readonly { readonly label: string; readonly bytes: number }[] = (
  process.env.BENCH_FILE_SIZES ?? '256,1024'
)
  .split(',')
  .map((mib) => Number(mib))
  .map((mib) => ({ label: mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`, bytes: mib * MiB }));
const SOURCE_KIND = process.env.BENCH_FILE_SOURCE === 'memory' ? 'memory' : 'disk';
/** No single transfer may take longer than this (a stalled one fails the run instead of hanging it), in ms. */
const TRANSFER_LIMIT_MS = 15 * 60_000;

const mbps = (bytes: number, ms: number): string => ((bytes / ms) * 1e-3).toFixed(1);
const mb = (bytes: number): string => (bytes / 1e6).toFixed(0);
const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} took longer than ${TRANSFER_LIMIT_MS / 60_000} minutes`)),
      TRANSFER_LIMIT_MS,
    );
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** Opens the conversation (the engine wants a direct link) and waits until the link to `peer` is open. */
async function directLink(page: Page, peer: UserId): Promise<void> {
  await engineCall(page, 'openConversation', { peerId: peer });
  const deadline = Date.now() + 30_000;
  while ((await engineCall(page, 'getState', {})).links[peer] !== 'open') {
    if (Date.now() > deadline) throw new Error('file-transfer bench: no direct link opened within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Scene {
  readonly alice: ChromeUser;
  readonly bob: ChromeUser;
  readonly bobId: string;
  /** Engine pages (direct channel): Alice sends, Bob receives. */
  readonly sender: Page;
  readonly receiver: Page;
  readonly bare: BareChannel;
  readonly pids: readonly [number, number];
}

async function setUp(serverUrl: string): Promise<Scene> {
  const {
    users: [alice, bob],
    popups: [alicePopup, bobPopup],
  } = await onlineUsers(['Alice', 'Bob'], serverUrl);
  if (!alice || !bob || !alicePopup || !bobPopup) throw new Error('file-transfer bench: two users expected');
  const bobId = await bobPopup.selfId();
  await directLink(alicePopup.page, bobId);
  // The popups go: nothing renders on the engine's thread while files move (the pages below draw nothing).
  await Promise.all([alicePopup.page.close(), bobPopup.page.close()]);
  const [sender, receiver] = await Promise.all([openEnginePage(alice), openEnginePage(bob)]);
  const [plainA, plainB] = await Promise.all([alice.context.newPage(), bob.context.newPage()]);
  await Promise.all([plainA.goto(`${serverUrl}/health`), plainB.goto(`${serverUrl}/health`)]);
  const bare = await openBareChannel(plainA, plainB);
  const pids = [await browserPid(alice.context), await browserPid(bob.context)] as const;
  return { alice, bob, bobId, sender, receiver, bare, pids };
}

interface SizeFigures {
  readonly bareMs: number;
  readonly barePeaks: number[];
  readonly marks: ProductMarks;
  readonly productPeaks: number[];
  readonly saved?: RemovedDownload;
  readonly bareCpu: Cpu;
  readonly productCpu: Cpu;
}

/** CPU seconds by thread kind and name, per browser (thread-cpu.ts). */
type Cpu = [string, number][][];

/** One file through the product, with the peak RSS of each browser from the sendFiles call to the receiver's done. */
async function sendProduct(
  scene: Scene,
  size: number,
  run: string,
): Promise<{ marks: ProductMarks; peaks: number[]; cpu: Cpu; saved?: RemovedDownload }> {
  const name = `bench-${size / MiB}MiB-${run}.bin`;
  let folder: string | undefined;
  let source: FileSource = { kind: 'memory' };
  if (SOURCE_KIND === 'disk') {
    folder = mkdtempSync(join(tmpdir(), 'file-transfer-bench-'));
    source = { kind: 'disk', path: join(folder, name) };
    await writeSourceFile(source.path, size);
  }
  const sampler = sampleRss(scene.pids);
  const cpuWatch = watchThreadCpu(scene.pids);
  let marks: ProductMarks | undefined;
  let peaks: number[] = [];
  let cpu: Cpu = [];
  try {
    marks = await within(
      productTransfer({
        sender: scene.sender,
        receiver: scene.receiver,
        receiverId: scene.bobId,
        name,
        size,
        source,
      }),
      `the product transfer of ${name}`,
    );
  } finally {
    peaks = sampler.stop();
    cpu = cpuWatch.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
  const removed = await removeDownloads(scene.receiver);
  const saved = removed.find((download) => download.bytes === size);
  if (!saved)
    console.warn(`  (no complete download of ${size} bytes was found to remove: ${JSON.stringify(removed)})`);
  return { marks, peaks, cpu, ...(saved ? { saved } : {}) };
}

async function measure(scene: Scene, size: number, run: string): Promise<SizeFigures> {
  const sampler = sampleRss(scene.pids);
  const cpuWatch = watchThreadCpu(scene.pids);
  let bareCpu: Cpu = [];
  const bareMs = await within(scene.bare.transfer(size), 'the bare transfer').finally(() => {
    sampler.stop();
    bareCpu = cpuWatch.stop();
  });
  const barePeaks = sampler.stop();
  const { marks, peaks: productPeaks, cpu: productCpu, saved } = await sendProduct(scene, size, run);
  return { bareMs, barePeaks, bareCpu, marks, productPeaks, productCpu, ...(saved ? { saved } : {}) };
}

function report(label: string, size: number, figures: SizeFigures): void {
  const { marks, bareMs } = figures;
  const total = marks.doneAt - marks.calledAt;
  const fromAccept = marks.doneAt - marks.acceptedAt;
  const [sender = 0, receiver = 0] = figures.productPeaks;
  const [bareSender = 0, bareReceiver = 0] = figures.barePeaks;
  console.log(
    `file transfer ${label}: product ${mbps(size, total)} MB/s (accept to done ${mbps(size, fromAccept)} MB/s), bare ${mbps(size, bareMs)} MB/s, ratio to bare ${(bareMs / total).toFixed(2)}; peak RSS sender ${mb(sender)} MB, receiver ${mb(receiver)} MB (bare ${mb(bareSender)} MB, ${mb(bareReceiver)} MB)`,
  );
  const at = (time: number | undefined): string =>
    time === undefined ? '?' : ((time - marks.calledAt) / 1000).toFixed(1);
  const { saved } = figures;
  const moved =
    marks.activeAt !== undefined && saved
      ? ` (${mbps(size, saved.startedAt - marks.activeAt)} MB/s from chunks moving to saving)`
      : '';
  console.log(
    `  where the time goes (${label}, s from the sendFiles call): hashed and offered ${at(marks.answeredAt)}; offer accepted ${at(marks.acceptedAt)}; chunks moving ${at(marks.activeAt)}; sender's last chunk into its channel ${at(marks.senderAllSentAt)}; all written and checked, saving through the downloads ${at(saved?.startedAt)} to ${at(saved?.endedAt)}${moved}; done ${at(marks.doneAt)}`,
  );
  for (const [way, cpu] of [
    ['product', figures.productCpu],
    ['bare', figures.bareCpu],
  ] as const)
    console.log(
      `  CPU s by thread (${label}, ${way}): sender ${describeCpu(cpu[0] ?? [])} | receiver ${describeCpu(cpu[1] ?? [])}`,
    );
}

const server = await startTestServer();
let scene: Scene | undefined;
try {
  scene = await setUp(server.url);
  console.log(
    `file transfer: Alice to Bob, two headless Chromium users, loopback, same run; source ${SOURCE_KIND === 'disk' ? 'a file on disk, picked' : 'a Blob built in the page'}; MB = 10^6 bytes`,
  );
  for (const [index, { label, bytes }] of SIZES.entries()) {
    report(label, bytes, await measure(scene, bytes, String(index)));
  }
  const first = SIZES[0];
  if (process.env.BENCH_FILE_PROFILE && first) {
    const stops = await Promise.all([
      startEngineProfile(scene.alice, 'file-sender-engine'),
      startEngineProfile(scene.bob, 'file-receiver-engine'),
    ]);
    const { marks } = await sendProduct(scene, first.bytes, 'profiled');
    const [senderProfile, receiverProfile] = await Promise.all(stops.map((stop) => stop()));
    const mib = first.bytes / MiB;
    console.log(
      `  CPU profile of one more ${first.label} transfer (${s(marks.doneAt - marks.calledAt)} under the profiler), ms of each engine's thread per MiB:`,
    );
    if (senderProfile) console.log(`    sender (Alice):   ${describeProfile(senderProfile, mib)}`);
    if (receiverProfile) console.log(`    receiver (Bob):   ${describeProfile(receiverProfile, mib)}`);
  }
} finally {
  await scene?.bare.close();
  await Promise.all([scene?.alice.close(), scene?.bob.close()]);
  await server.close();
}
