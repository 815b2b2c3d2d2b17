/** Runs one step of a teardown; its failure is logged and the teardown goes on. */
export function tryTo(step: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    console.warn(`engine: could not ${step}; going on`, error);
  }
}
