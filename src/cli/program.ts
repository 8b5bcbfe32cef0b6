import { Command } from 'commander';
import { registerDeadLetters } from './commands/dead-letters';
import { registerDeliveries } from './commands/deliveries';
import { registerEndpoints } from './commands/endpoints';
import { registerPauseResume } from './commands/pause-resume';
import { registerReplay } from './commands/replay';
import { registerSignals } from './commands/signals';
import { registerTenants } from './commands/tenants';
import type { CliContext, GlobalOptions } from './context';
import { EXIT_CODES_HELP, oneLine } from './errors';
import * as valid from './validate';

/** The `signal-push` command tree; a fresh one per run, bound to the run's output and context. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('signal-push')
    .description(
      'Operate signal-push from scripts and terminals: the delivery log, dead-letter replays, and ' +
        "endpoint pause and resume, tenant repair. Talks to Temporal directly, with the service's TEMPORAL_* settings.",
    )
    .option(
      '--address <host:port>',
      'Temporal frontend (default: TEMPORAL_ADDRESS, else the embedded dev server on 127.0.0.1)',
      valid.address,
    )
    .option(
      '--namespace <name>',
      'Temporal namespace (default: TEMPORAL_NAMESPACE, else "default")',
      valid.namespace,
    )
    .option(
      '--connect-timeout <seconds>',
      'give up connecting to Temporal after this long',
      valid.connectTimeoutSeconds,
      5,
    )
    // Set before any subcommand is added: subcommands inherit output, exit and help settings.
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
      outputError: (text, write) => write(`signal-push: ${oneLine(text.replace(/^error: /, ''))}\n`),
    })
    .exitOverride()
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError()
    .helpCommand(true)
    .addHelpText('afterAll', EXIT_CODES_HELP);

  program.hook('preAction', (_program, action) => {
    const { address, namespace, connectTimeout } = action.optsWithGlobals<GlobalOptions>();
    ctx.globals = { address, namespace, connectTimeout };
  });

  registerEndpoints(program, ctx);
  registerDeliveries(program, ctx);
  registerSignals(program, ctx);
  registerDeadLetters(program, ctx);
  registerReplay(program, ctx);
  registerPauseResume(program, ctx);
  registerTenants(program, ctx);
  return program;
}
