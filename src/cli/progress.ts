import { Presets, SingleBar } from 'cli-progress';
import type { Output } from './context';

export interface Progress {
  tick(): void;
  stop(): void;
}

/** A progress bar on stderr, only for a person at a terminal: never in pipes, logs or --json. */
export function progressBar(stderr: Output, enabled: boolean, total: number, label: string): Progress {
  if (!enabled || !stderr.isTTY || total === 0) return { tick() {}, stop() {} };
  const bar = new SingleBar(
    {
      stream: stderr as NodeJS.WritableStream,
      format: `${label} [{bar}] {value}/{total} {percentage}% | {eta_formatted} left`,
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    tick: () => bar.increment(),
    stop: () => bar.stop(),
  };
}
