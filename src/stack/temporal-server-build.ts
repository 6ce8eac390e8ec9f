import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { StackPaths } from './paths.js';
import type { StackContext } from './service.js';
import { runVisibly } from './visible-command.js';

/**
 * The Temporal server and its schema tool, built once from the Go module proxy with `go install`.
 * v1.32 needs a newer Go than most machines carry, so GOTOOLCHAIN fetches that toolchain from the
 * same proxy. The binaries land under <stack>/temporal-server/<version>/bin: a new pin builds anew
 * beside the old one instead of overwriting the binary a running server was started from.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.32.2';
const TOOLCHAIN = 'go1.27.3';
const MODULE = 'go.temporal.io/server';

const NO_GO =
  'The production topology builds the Temporal server with Go 1.21 or later: install it (e.g. apt-get install golang-go) or set TEMPORAL_ADDRESS to a Temporal cluster.';

export interface ServerBinaries {
  server: string;
  sql: string;
}

export const serverHome = (paths: StackPaths) => path.join(paths.root, 'temporal-server');
const binDir = (paths: StackPaths) => path.join(serverHome(paths), TEMPORAL_SERVER_VERSION, 'bin');

export function serverBinaries(paths: StackPaths): ServerBinaries {
  const bin = binDir(paths);
  return { server: path.join(bin, 'server'), sql: path.join(bin, 'sql') };
}

/**
 * The same build, kept for every stack of this user, as Go keeps its caches in the home directory:
 * a second clone (or CI's fresh one) copies the binaries instead of linking them again.
 */
const machineCache = () => path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'v2v', 'temporal-server', TEMPORAL_SERVER_VERSION);
const BINARIES = ['server', 'sql'] as const;

/** Copies the binaries from `from` to `to` through a partial directory: either both arrive or neither. */
function copyBinaries(from: string, to: string) {
  const partial = `${to}.partial-copy`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  for (const name of BINARIES) copyFileSync(path.join(from, name), path.join(partial, name));
  rmSync(to, { recursive: true, force: true });
  renameSync(partial, to);
}

const hasBinaries = (dir: string) => BINARIES.every((name) => existsSync(path.join(dir, name)));

/** Builds both binaries unless both are there; a build that fails or is interrupted leaves nothing behind. */
export async function ensureServerBinaries(ctx: StackContext): Promise<ServerBinaries> {
  const binaries = serverBinaries(ctx.paths);
  if (existsSync(binaries.server) && existsSync(binaries.sql)) return binaries;
  if (hasBinaries(machineCache())) {
    ctx.progress(`Temporal server: ${TEMPORAL_SERVER_VERSION} copied from ${machineCache()}, built there before`);
    copyBinaries(machineCache(), binDir(ctx.paths));
    return binaries;
  }
  await buildServerBinaries(ctx);
  // Best effort: a cache that cannot be written costs the next clone a build, nothing more.
  try {
    copyBinaries(binDir(ctx.paths), machineCache());
  } catch (err) {
    ctx.progress(`Temporal server: not kept in ${machineCache()} (${err instanceof Error ? err.message : String(err)})`);
  }
  return binaries;
}

async function buildServerBinaries(ctx: StackContext): Promise<void> {
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) throw new Error(NO_GO);
  const bin = binDir(ctx.paths);
  const partial = `${bin}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  ctx.progress(
    `Temporal server: building ${MODULE} ${TEMPORAL_SERVER_VERSION} and its schema tool with Go (${TOOLCHAIN}), once: ` +
      'minutes (about 4 on an idle machine, 24 on a busy 2-core one), 220 MB under .stack/ and 3.3 GB of Go caches in the home directory…',
  );
  const started = Date.now();
  let compiled = 0;
  let downloaded = 0;
  let toldAt = started;
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const tell = (line: string) => {
    toldAt = Date.now();
    ctx.progress(`Temporal server: ${line}`);
  };
  const onLine = (line: string) => {
    // `go install -v` names every module it fetches and every package it compiles: told as counts,
    // not two thousand lines; anything else (an error) as it is.
    if (line.startsWith('go: downloading ')) {
      if (++downloaded % 50 === 1) tell(`${downloaded} modules fetched (${seconds()} s)…`);
    } else if (/^[\w.-]+(\/[\w.~+-]+)*$/.test(line)) {
      if (++compiled % 200 === 0) tell(`${compiled} packages compiled (${seconds()} s)…`);
    } else tell(line);
  };
  const args = ['install', '-v', `${MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`, `${MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`];
  const env = { ...process.env, GOBIN: partial, GOTOOLCHAIN: TOOLCHAIN, GOFLAGS: '-buildvcs=false' };
  // Linking the 160 MB server prints nothing for a minute or more: say it is still at work.
  const heartbeat = setInterval(() => Date.now() - toldAt >= 30_000 && tell(`still building (${seconds()} s)…`), 5_000);
  const code = await runVisibly('go', args, { env, onLine }).finally(() => clearInterval(heartbeat));
  if (code !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`go install could not build the Temporal server (exit ${code}); its output is above.`);
  }
  rmSync(bin, { recursive: true, force: true });
  renameSync(partial, bin);
  tell(`built in ${seconds()} s (${compiled} packages), in ${bin}`);
}
