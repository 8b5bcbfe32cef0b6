import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { taskDispatchArgs } from './task-dispatch';

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
 * Starts `temporal server start-dev`, or reuses one already listening on the port that is not on
 * its way out (one the operator started, or another run's on the same data).
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const address = `127.0.0.1:${options.port}`;
  const uiUrl = `http://127.0.0.1:${options.uiPort}`;
  if ((await isListening(options.port)) && !(await waitForOrphanToStop(options.dbFile))) {
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
    ...taskDispatchArgs(),
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
  const child = spawn('/bin/sh', ['-c', WATCHDOG, 'temporal-dev-server', options.cliPath, ...args], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: withoutOpenTelemetry(process.env),
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const serverPid = new Promise<number>((resolve) =>
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = waitForPort(options.port, 60_000);
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
  ]);
  if (outcome === 'exited') {
    throw new Error(`temporal dev server exited during start-up: ${stderr.trim() || 'no output'}`);
  }
  const pid = await serverPid;
  if (options.dbFile) await fs.writeFile(pidFile(options.dbFile), `${pid} ${process.pid}\n`, { mode: 0o600 });
  return { address, uiUrl, owned: true, pid, stop: () => stopWatchdog(child, exited) };
}

/**
 * The environment without OTEL_*: they configure this service's tracing, and the Temporal server
 * reads them too. It would refuse to start on an exporter it lacks (`console`), or send its own
 * spans to the service's collector under the service's name.
 */
function withoutOpenTelemetry(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('OTEL_')));
}

/**
 * The dev server runs in a process group of its own, so the terminal's Ctrl-C (sent to the
 * foreground group) reaches only this process, which then stops its workers while the server still
 * answers, and the server last. Between the two sits this shell: it prints the server's pid, exits
 * with the server, and holds this process's pipe on fd 3 in a reader that stops the server when the
 * pipe closes: on `stop()`, or when this process ends however it ends (a SIGKILL included), so no
 * server is left behind.
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$@" 3<&- & server=$!',
  'echo "$server"',
  '(read -r _ <&3; kill -TERM "$server" 2>/dev/null) &',
  'wait "$server"',
].join('\n');

/** Closing the pipe is the stop signal; the whole group is killed if the server takes too long. */
async function stopWatchdog(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null) return;
  child.stdin!.end();
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Where a started server's pid and its owner's pid are kept, next to its database. */
const pidFile = (dbFile: string) => path.join(path.dirname(dbFile), 'temporal.pid');

/**
 * A server on the port that a previous run started and that is being stopped, because that run
 * ended (a crash, say) and its watchdog saw it: waits until it is gone. `false` when the port
 * belongs to a server still in use (its owner lives, or it was not started here).
 */
async function waitForOrphanToStop(dbFile: string | undefined): Promise<boolean> {
  if (!dbFile) return false;
  const [serverPid, ownerPid] = await fs
    .readFile(pidFile(dbFile), 'utf8')
    .then((text) => text.trim().split(' ').map(Number))
    .catch(() => []);
  if (!serverPid || !ownerPid || isAlive(ownerPid)) return false;
  const deadline = Date.now() + ORPHAN_STOP_MS;
  while (isAlive(serverPid) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return !isAlive(serverPid);
}

/** How long an orphaned server may take to stop (its own shutdown, well under this). */
const ORPHAN_STOP_MS = 15_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
