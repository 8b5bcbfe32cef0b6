import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BenchReceiver {
  url: string;
  /** Receipt time (ms since epoch) of each delivery id's first arrival. */
  firstSeen: Map<string, number>;
  duplicates: number;
  total: number;
  close(): Promise<void>;
}

/** A minimal loopback receiver that records arrivals by delivery id and answers 200 at once. */
export async function startBenchReceiver(): Promise<BenchReceiver> {
  const receiver = { firstSeen: new Map<string, number>(), duplicates: 0, total: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['x-signal-push-delivery-id'] ?? `baseline-${receiver.total}`);
      receiver.total += 1;
      if (receiver.firstSeen.has(id)) receiver.duplicates += 1;
      else receiver.firstSeen.set(id, Date.now());
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
