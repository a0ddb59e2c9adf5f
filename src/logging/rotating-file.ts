import { appendFileSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * JSON-line log files in one folder: `app_<UTC date>.log` for the current day, rolled to
 * `app_<date>.<n>.log` when it would pass `maxBytes`, and only the newest `maxFiles` files kept.
 * A new day starts a new file by name. Writes are synchronous appends: a line is on disk (in the
 * OS cache) when the call returns, so a crash loses nothing already logged.
 */

export interface RotationSettings {
  /** <= 0: no size rotation. */
  maxBytes: number;
  /** <= 0: keep every file. */
  maxFiles: number;
}

const FILE_NAME = /^app_(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\.log$/;

export class RotatingFileWriter {
  private currentDay = '';

  constructor(
    private readonly directory: string,
    private settings: RotationSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {
    mkdirSync(directory, { recursive: true });
  }

  configure(settings: RotationSettings): void {
    this.settings = settings;
    this.prune();
  }

  /** Path of the file being written now. */
  currentPath(): string {
    return join(this.directory, `app_${this.clock().toISOString().slice(0, 10)}.log`);
  }

  write(line: string): void {
    const day = this.clock().toISOString().slice(0, 10);
    const path = join(this.directory, `app_${day}.log`);
    // Pruned after the append, so the file just started counts toward max_files.
    let started = day !== this.currentDay;
    this.currentDay = day;
    const bytes = Buffer.byteLength(line) + 1;
    // The file's real size, not a count of our own writes: other workers append to it too.
    const size = this.settings.maxBytes > 0 ? sizeOf(path) : 0;
    if (this.settings.maxBytes > 0 && size > 0 && size + bytes > this.settings.maxBytes) {
      try {
        renameSync(path, join(this.directory, `app_${day}.${this.nextIndex(day)}.log`));
      } catch {
        // Another worker rolled it a moment ago.
      }
      started = true;
    }
    // Log lines can carry account details: the file is created readable by its owner only.
    appendFileSync(path, `${line}\n`, { mode: 0o600 });
    if (started) this.prune();
  }

  private nextIndex(day: string): number {
    let highest = 0;
    for (const name of readdirSync(this.directory)) {
      const match = FILE_NAME.exec(name);
      if (match && match[1] === day && match[2]) highest = Math.max(highest, Number(match[2]));
    }
    return highest + 1;
  }

  /** Oldest first: by day, then the rolled pieces in order, then the day's current file. */
  private logFiles(): string[] {
    const rank = (name: string) => {
      const match = FILE_NAME.exec(name)!;
      return [match[1]!, match[2] ? Number(match[2]) : Number.MAX_SAFE_INTEGER] as const;
    };
    return readdirSync(this.directory)
      .filter((name) => FILE_NAME.test(name))
      .sort((a, b) => {
        const [dayA, indexA] = rank(a);
        const [dayB, indexB] = rank(b);
        return dayA === dayB ? indexA - indexB : dayA < dayB ? -1 : 1;
      });
  }

  private prune(): void {
    if (this.settings.maxFiles <= 0) return;
    const files = this.logFiles();
    for (const name of files.slice(0, Math.max(0, files.length - this.settings.maxFiles))) {
      try {
        unlinkSync(join(this.directory, name));
      } catch {
        // Another worker may have removed it first.
      }
    }
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
