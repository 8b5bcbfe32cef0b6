import http from 'node:http';
import net from 'node:net';

/** Receivers that misbehave the ways a socket can. */
export const HOSTILE_KINDS = ['hangs', 'resets', 'garbage', 'endless'] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

export interface HostileServer {
  url: string;
  close(): Promise<void>;
}

const servers: Record<HostileKind, () => net.Server> = {
  /** Reads the request and never answers. */
  hangs: () => http.createServer(() => undefined),
  /** Resets the connection as soon as the request arrives. */
  resets: () => net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy())),
  /** Speaks something that is not HTTP. */
  garbage: () =>
    net.createServer((socket) => socket.once('data', () => socket.end('SSH-2.0-OpenSSH\r\n\r\n\0\0garbage'))),
  /** Answers 200 and then streams forever, as fast as the client reads. */
  endless: () =>
    http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (res.write(chunk));
        res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    }),
};

/** A server on 127.0.0.1 that misbehaves as `kind` says. */
export async function startHostileServer(kind: HostileKind): Promise<HostileServer> {
  const server = servers[kind]();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hook`,
    async close() {
      if (server instanceof http.Server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
