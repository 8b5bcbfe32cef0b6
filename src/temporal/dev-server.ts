import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export interface DevServerOptions {
  cliPath: string;
  port: number;
  uiPort: number;
  /** SQLite file that keeps the server's state across restarts; in memory when absent. */
  dbFile?: string;
  namespace: string;
  /** The API's codec endpoint, which the Web UI then calls to show decrypted payloads. */
  uiCodecEndpoint?: string;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  /** False when a server was already listening on the port and is reused, not owned. */
  owned: boolean;
  /** The server's process id, when this process started it (benchmarks read its memory and CPU). */
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev`, or reuses one already listening on the port (a previous run
 * killed without cleanup leaves one behind, and its state is the same SQLite file).
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const address = `127.0.0.1:${options.port}`;
  const uiUrl = `http://127.0.0.1:${options.uiPort}`;
  if (await isListening(options.port)) {
    return { address, uiUrl, owned: false, pid: undefined, stop: async () => {} };
  }
  if (options.dbFile) await fs.mkdir(path.dirname(options.dbFile), { recursive: true, mode: 0o700 });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    options.namespace,
    '--log-level',
    'error',
    // WAL with NORMAL sync: a commit is one sequential append, not two fsyncs, and a crash of the
    // process still loses nothing committed (a power cut may lose the last moments).
    ...(options.dbFile
      ? [
          '--db-filename',
          path.resolve(options.dbFile),
          '--sqlite-pragma',
          'journal_mode=wal',
          '--sqlite-pragma',
          'synchronous=normal',
        ]
      : []),
    // `start-dev` has no flag for the UI's "include cross-origin credentials" (its UI config sets
    // the codec endpoint only), so this endpoint is called without the codec session cookie: the
    // operator turns that on in the Web UI's Codec Server settings after signing in at /codec/login.
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
  ];
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = waitForPort(options.port, 60_000);
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
  ]);
  if (outcome === 'exited') {
    throw new Error(`temporal dev server exited during start-up: ${stderr.trim() || 'no output'}`);
  }
  return { address, uiUrl, owned: true, pid: child.pid, stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isListening(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`temporal dev server did not listen on port ${port} within ${timeoutMs} ms`);
}
