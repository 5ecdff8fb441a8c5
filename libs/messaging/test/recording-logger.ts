import type { LoggerService } from '@nestjs/common';

/** A logger that keeps what it is told, for assertions, and prints nothing. */
export class RecordingLogger implements LoggerService {
  readonly entries: { level: string; args: unknown[] }[] = [];

  log(...args: unknown[]): void {
    this.entries.push({ level: 'log', args });
  }
  error(...args: unknown[]): void {
    this.entries.push({ level: 'error', args });
  }
  warn(...args: unknown[]): void {
    this.entries.push({ level: 'warn', args });
  }
  debug(...args: unknown[]): void {
    this.entries.push({ level: 'debug', args });
  }
  verbose(...args: unknown[]): void {
    this.entries.push({ level: 'verbose', args });
  }

  /** Log lines at `level` as text. */
  lines(level: string): string[] {
    return this.entries.filter((e) => e.level === level).map((e) => e.args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a, errorsAsText))).join(' '));
  }
}

function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}
