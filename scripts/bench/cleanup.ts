/**
 * Everything the bench starts registers how to undo it here; `runAll` undoes it in reverse order,
 * once, whether the run ended, failed or was interrupted (Ctrl-C, SIGTERM).
 */
type Undo = () => Promise<void> | void;

const stack: { what: string; undo: Undo }[] = [];
let running: Promise<void> | undefined;

export function onCleanup(what: string, undo: Undo): void {
  stack.push({ what, undo });
}

export function runCleanup(): Promise<void> {
  running ??= (async () => {
    while (stack.length > 0) {
      const { what, undo } = stack.pop()!;
      try {
        await undo();
      } catch (error) {
        console.error(`cleanup: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return running;
}

/**
 * On SIGINT/SIGTERM: clean up, then exit 130/143. A second signal exits at once. An error nobody
 * handled also cleans up (then exit 1): services, database and vhost are never left behind.
 */
export function cleanupOnSignals(): void {
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (error: unknown) => {
      console.error(`${event}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (running) process.exit(1);
      console.error('stopping everything the bench started ...');
      void runCleanup().finally(() => process.exit(1));
    });
  }
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      if (running) process.exit(code);
      console.error(`\n${signal}: stopping everything the bench started ...`);
      void runCleanup().finally(() => process.exit(code));
    });
  }
}
