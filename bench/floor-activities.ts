/** Counts the floor's runs where the bench reads them: the worker runs in the bench's own process. */
export const floorRuns = { count: 0 };

export async function noop(): Promise<void> {
  floorRuns.count += 1;
}
