import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BenchReceiver {
  url: string;
  /** Requests received, deliveries and others (the baseline's) alike. */
  total: number;
  close(): Promise<void>;
}

/**
 * A minimal loopback receiver that answers 200 at once and hands each delivery's id and arrival
 * time to `onDelivery`; requests without a delivery id (the baseline's) are only counted.
 */
export async function startBenchReceiver(
  onDelivery: (deliveryId: string, at: number) => void,
): Promise<BenchReceiver> {
  const receiver = { total: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      receiver.total += 1;
      const id = req.headers['x-signal-push-delivery-id'];
      if (typeof id === 'string') onDelivery(id, Date.now());
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
