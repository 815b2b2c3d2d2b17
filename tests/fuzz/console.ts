/** Keeps a fuzz run's console quiet: warnings are counted (dropping bad input is expected), errors kept. */
export interface Quiet {
  readonly warnings: { count: number };
  /** console.error calls since the last drain: the code reporting a failure of its own. */
  drainErrors(): string[];
  restore(): void;
}

export function quietConsole(): Quiet {
  const { warn, error } = console;
  const warnings = { count: 0 };
  const errors: string[] = [];
  console.warn = () => void (warnings.count += 1);
  console.error = (...args: unknown[]) =>
    void errors.push(
      args
        .map((arg) => String(arg))
        .join(' ')
        .slice(0, 500),
    );
  return {
    warnings,
    drainErrors: () => errors.splice(0).slice(0, 5),
    restore() {
      console.warn = warn;
      console.error = error;
    },
  };
}
