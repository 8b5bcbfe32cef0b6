#!/usr/bin/env node
import { CommanderError } from 'commander';
import type { CliIo } from './context';
import { CliContext } from './context';
import { EXIT, describeFailure, oneLine } from './errors';
import { buildProgram } from './program';

/**
 * Runs the CLI on `argv` (as `process.argv`: node, script, arguments) and returns its exit code.
 * Failures become one line on stderr (a stack trace too with SIGNAL_PUSH_DEBUG=1), never a throw.
 */
export async function run(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const ctx = new CliContext(io, env);
  try {
    await buildProgram(ctx).parseAsync(argv);
    return ctx.exitCode;
  } catch (error) {
    // Commander has already written its message (or the help it was asked for).
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const { exitCode, message } = describeFailure(error);
    io.stderr.write(`signal-push: ${oneLine(message)}\n`);
    if (env.SIGNAL_PUSH_DEBUG === '1' && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return exitCode;
  } finally {
    await ctx.close();
  }
}

if (require.main === module) {
  // A reader that stops early (`| head`) is not an error of ours.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  void (async () => {
    const code = await run(process.argv);
    // Exit once stdout has flushed, so a piped JSON document is never cut short.
    process.stdout.write('', () => process.exit(code));
  })();
}
