import { createHmac } from 'node:crypto';
import { Agent, request } from 'undici';

/**
 * The physical limit on this machine: signed POSTs from one process straight to the receiver with
 * undici, `concurrency` in flight at a time. Returns requests per second.
 */
export async function baselinePostsPerSecond(
  url: string,
  count: number,
  concurrency: number,
): Promise<number> {
  const dispatcher = new Agent({ connections: concurrency });
  const body = Buffer.from(JSON.stringify({ signal_id: 'sig_baseline', excerpt: 'x'.repeat(400) }));
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const signature = createHmac('sha256', 'baseline-secret').update(body).digest('hex');
        const res = await request(url, {
          method: 'POST',
          body,
          dispatcher,
          headers: { 'content-type': 'application/json', 'x-pq-signature': signature },
        });
        await res.body.dump();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.close();
  return count / seconds;
}
