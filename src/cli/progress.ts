/**
 * Progress bars for long work, on stderr, only when stderr is a terminal (so `--json` output and
 * CI logs stay clean). `SPECBOUND_PROGRESS=1` forces them on, `=0` off.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Sets the total (if it changes) and the amount done. */
  update(done: number, total?: number): void;
  increment(by?: number): void;
  stop(): void;
}

export function createProgress(label: string, total: number): Progress {
  const forced = process.env['SPECBOUND_PROGRESS'];
  const enabled = forced === '1' || (forced !== '0' && process.stderr.isTTY === true);
  if (!enabled) return { update() {}, increment() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} elapsed, eta {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      // Forced on (SPECBOUND_PROGRESS=1) but not a terminal, e.g. a CI log: print a line every 2 s.
      noTTYOutput: process.stderr.isTTY !== true,
      notTTYSchedule: 2000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update(done, t) {
      if (t !== undefined) bar.setTotal(t);
      bar.update(done);
    },
    increment(by = 1) {
      bar.increment(by);
    },
    stop() {
      bar.stop();
    },
  };
}
