/**
 * The periodic and one-off work a process does besides answering requests (quota sync, account
 * reload, the sync of freshly imported accounts), run through one place so operators can see in
 * /v1/admin/status whether each runs, when it last ran and how that went.
 */

export interface JobState {
  name: string;
  /** Seconds between runs; null for a one-off job. */
  intervalSeconds: number | null;
  running: boolean;
  runs: number;
  failures: number;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  lastDurationMs: number | null;
  lastError: string | null;
  lastResult: unknown;
}

interface Job {
  state: JobState;
  timer?: ReturnType<typeof setInterval>;
}

export class BackgroundJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly clock: () => number = Date.now) {}

  private job(name: string, intervalSeconds: number | null): Job {
    if (this.jobs.has(name)) throw new Error(`background job ${name} registered twice`);
    const job: Job = {
      state: {
        name,
        intervalSeconds,
        running: false,
        runs: 0,
        failures: 0,
        lastStartedAt: null,
        lastFinishedAt: null,
        lastDurationMs: null,
        lastError: null,
        lastResult: null,
      },
    };
    this.jobs.set(name, job);
    return job;
  }

  /** Runs `task` and records how it went; a run already in progress makes this one a no-op. */
  private async run(job: Job, task: () => Promise<unknown>): Promise<void> {
    if (job.state.running) return;
    const started = this.clock();
    Object.assign(job.state, { running: true, lastStartedAt: new Date(started).toISOString() });
    try {
      job.state.lastResult = (await task()) ?? null;
      job.state.lastError = null;
    } catch (error) {
      job.state.failures += 1;
      job.state.lastError = error instanceof Error ? error.message : String(error);
    } finally {
      const finished = this.clock();
      Object.assign(job.state, {
        running: false,
        runs: job.state.runs + 1,
        lastFinishedAt: new Date(finished).toISOString(),
        lastDurationMs: finished - started,
      });
    }
  }

  /** Every `intervalMs`; the timer never keeps the process alive on its own. */
  every(name: string, intervalMs: number, task: () => Promise<unknown>): void {
    const job = this.job(name, intervalMs / 1000);
    job.timer = setInterval(() => void this.run(job, task), intervalMs);
    job.timer.unref?.();
  }

  /** Starts now, once. Resolves when done; failures are recorded, not thrown. */
  once(name: string, task: () => Promise<unknown>): Promise<void> {
    return this.run(this.job(name, null), task);
  }

  /** Runs a periodic job now (tests, or an operator's nudge). */
  runNow(name: string, task: () => Promise<unknown>): Promise<void> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`no background job ${name}`);
    return this.run(job, task);
  }

  states(): JobState[] {
    return [...this.jobs.values()].map((job) => ({ ...job.state }));
  }

  stopAll(): void {
    for (const job of this.jobs.values()) if (job.timer) clearInterval(job.timer);
  }
}
