/** Records uncaught exceptions and unhandled rejections of this process while a fuzz target runs. */
export interface CrashWatch {
  /** The distinct crashes seen since the last call (first line of each, at most six), forgetting them. */
  drain(): string[];
  stop(): void;
}

export function watchCrashes(): CrashWatch {
  const crashes: string[] = [];
  const onException = (error: unknown) => crashes.push(`uncaught exception: ${describe(error)}`);
  const onRejection = (reason: unknown) => crashes.push(`unhandled rejection: ${describe(reason)}`);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    drain: () =>
      [...new Set(crashes.splice(0).map((crash) => crash.split('\n    at ')[0] ?? crash))].slice(0, 6),
    stop() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
