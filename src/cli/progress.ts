/**
 * Progress bars for long work, on stderr, only when stderr is a terminal (so `--json` output and
 * CI logs stay clean). `SPECBOUND_PROGRESS=1` forces them on, `=0` off.
 *
 * The time left is our own estimate for the current stage: shown only once a tenth of the stage
 * (or two items) is done and a second has passed, so the first seconds of a long stage show
 * "eta …" instead of a wild guess, never NULL or INF. Bars that are drawing are tracked so an
 * interrupt can restore the terminal (`stopAllProgress`).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Sets the total (if it changes) and the amount done. */
  update(done: number, total?: number): void;
  increment(by?: number): void;
  stop(): void;
}

const active = new Set<cliProgress.SingleBar>();

/** Stops every bar that is drawing (restores the cursor and line wrapping on a terminal). */
export function stopAllProgress(): void {
  for (const bar of active) bar.stop();
  active.clear();
}

/** "3m05s" / "42s" / "1h02m". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * The time left in a stage from the rate so far, or undefined while too little is done to say:
 * fewer than two items and less than a tenth of the stage, or under a second elapsed.
 */
export function stageEta(done: number, total: number, elapsedSeconds: number): number | undefined {
  if (!(total > 0) || done <= 0 || elapsedSeconds < 1) return undefined;
  if (done < 2 && done < total / 10) return undefined;
  return (elapsedSeconds / done) * Math.max(0, total - done);
}

export function createProgress(label: string, total: number): Progress {
  const forced = process.env['SPECBOUND_PROGRESS'];
  const enabled = forced === '1' || (forced !== '0' && process.stderr.isTTY === true);
  if (!enabled) return { update() {}, increment() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} elapsed, {stageEta}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      // Forced on (SPECBOUND_PROGRESS=1) but not a terminal, e.g. a CI log: print a line every 2 s.
      noTTYOutput: process.stderr.isTTY !== true,
      notTTYSchedule: 2000,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let done = 0;
  let size = total;
  const payload = () => {
    const eta = stageEta(done, size, (Date.now() - started) / 1000);
    return { stageEta: eta === undefined ? 'eta …' : `eta ${formatDuration(eta)} for this stage` };
  };
  bar.start(total, 0, payload());
  active.add(bar);
  return {
    update(value, t) {
      if (t !== undefined) {
        size = t;
        bar.setTotal(t);
      }
      done = value;
      bar.update(value, payload());
    },
    increment(by = 1) {
      done += by;
      bar.increment(by, payload());
    },
    stop() {
      bar.stop();
      active.delete(bar);
    },
  };
}
