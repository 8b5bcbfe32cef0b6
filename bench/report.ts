/** What the benchmarks share besides their figures: waiting for a count, and printing a summary. */

export async function waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for deliveries');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function print(summary: Record<string, unknown>): void {
  for (const [section, values] of Object.entries(summary)) {
    console.log(`${section}:`);
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      console.log(
        `  ${key.padEnd(32)} ${typeof value === 'object' && value ? JSON.stringify(value) : value}`,
      );
    }
  }
}
