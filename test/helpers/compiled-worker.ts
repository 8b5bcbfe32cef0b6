import fs from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

export interface CompiledWorker {
  /** The worker process's entry point, plain JavaScript. */
  path: string;
  remove(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '../..');
const SOURCES = ['src', 'workflows', 'activities', 'test/helpers'];

/**
 * The worker process (worker-process.ts) and the service's sources, compiled once for a run into a
 * copy of the source tree under node_modules/.cache, where they still find the packages. Started
 * through tsx, each of the tests' worker processes spent about 2 CPU seconds of its 7 compiling and
 * resolving TypeScript; compiled here, file for file, relative paths (the failure converter's, the
 * package.json the API reads) hold as in the sources.
 */
export async function compileWorkerProcess(): Promise<CompiledWorker> {
  const cache = path.join(ROOT, 'node_modules/.cache/signal-push-test');
  await fs.mkdir(cache, { recursive: true });
  const outdir = await fs.mkdtemp(path.join(cache, 'worker-'));
  const entryPoints = (
    await Promise.all(
      SOURCES.map(async (dir) =>
        (await fs.readdir(path.join(ROOT, dir), { recursive: true }))
          .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
          .map((file) => path.join(ROOT, dir, file)),
      ),
    )
  ).flat();
  await build({
    entryPoints,
    outdir,
    outbase: ROOT,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
  });
  await fs.copyFile(path.join(ROOT, 'package.json'), path.join(outdir, 'package.json'));
  return {
    path: path.join(outdir, 'test/helpers/worker-process.js'),
    remove: () => fs.rm(outdir, { recursive: true, force: true }),
  };
}
