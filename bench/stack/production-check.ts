/**
 * `npm run stack:production:check`: brings the production topology up on a stack that is down, and
 * proves what it stands for. A batch goes through each API; the worker running them is killed and
 * the other one finishes them, nothing recorded twice; the outbox's events reach the three brokers; both ingest consumers are in their group; a
 * topic of replication factor 3 keeps taking acks=all writes while one broker is killed, and has
 * three in-sync replicas again once `stack up` restarts it. Kafka refuses a client without a login
 * and Temporal one without a certificate. Then `stack down` leaves no process.
 * Each step's time is printed; a failed step ends the check (the stack is left up to be looked at).
 */
import { readdirSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig, loadConfigOver, type Config } from '../../src/config.js';
import { ACKS_ALL, durableProducer } from '../../src/kafka-client.js';
import { BATCH_EVENTS_TOPIC } from '../../src/outbox/batch-events.js';
import { pollUntil } from '../../src/poll-until.js';
import { daemonPid, isAlive } from '../../src/stack/daemon.js';
import { brokerName } from '../../src/stack/kafka-cluster.js';
import { productionPorts } from '../../src/stack/production-ports.js';
import { readStackEnv, stackContext, stackDown, stackUp } from '../../src/stack/stack.js';
import { runningTopology } from '../../src/stack/topology.js';
import { kafkaTransport, temporalTransport } from '../../src/transport.js';
import { doubledHandoffs, driveUntil, enrolThroughEachApi, workersThatTookTasks } from './journeys.js';
import { consumeAll, isrCounts } from './kafka-probes.js';

// A day lasts a second, so a whole journey takes about a minute; the daemons inherit it.
process.env.V2V_TIME_SCALE ??= '86400';
const ctx = stackContext({ ...loadConfig(), V2V_TOPOLOGY: 'production' }, (line) => console.error(`    ${line}`));
const timings: [string, number][] = [];

async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  console.error(`\n▶ ${what}`);
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  timings.push([what, seconds]);
  console.error(`✔ ${what} (${seconds.toFixed(1)} s)`);
  return result;
}

const running = runningTopology(ctx.paths);
if (running) {
  console.error(`The stack in ${ctx.paths.root} is up (${running}): the check starts its own. Stop it (npx v2v stack down) or set V2V_STACK_DIR.`);
  process.exit(2);
}

const rows = await step('stack up --topology production', () => stackUp(ctx));
const config: Config = loadConfigOver(readStackEnv(ctx)!);
// Until the controllers fence a killed broker (broker.session.timeout.ms, 9 s) its partitions have no
// leader to write to: the client's retries must outlast that, and retry often enough to say how long it took.
const kafka = new Kafka({ clientId: 'v2v-production-check', brokers: config.KAFKA_BROKERS!.split(','), ...kafkaTransport(config), logLevel: logLevel.NOTHING, retry: { retries: 30, maxRetryTime: 2_000 } });
const workerPids = new Set(rows.filter((r) => r.service.startsWith('worker-')).map((r) => /pid (\d+)/.exec(r.address)![1]!));

await step('Kafka refuses a client without a login, Temporal one without a client certificate', async () => {
  const quick = { logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 3_000, requestTimeout: 3_000 };
  const anonymous = new Kafka({ clientId: 'v2v-production-check-anonymous', brokers: config.KAFKA_BROKERS!.split(','), ssl: kafkaTransport(config).ssl!, ...quick }).admin();
  const kafkaAnswered = await anonymous.connect().then(() => anonymous.listTopics()).then(() => true, () => false);
  await anonymous.disconnect();
  const { address, tls } = temporalTransport(config);
  const withoutCertificate = { address, tls: { ...(tls === true ? {} : tls), clientCertPair: undefined }, connectTimeout: 3_000 };
  const temporalAnswered = await Connection.connect(withoutCertificate).then((c) => c.withDeadline(Date.now() + 3_000, () => c.workflowService.getSystemInfo({})).finally(() => c.close())).then(() => true, () => false);
  if (kafkaAnswered || temporalAnswered) throw new Error(`answered without credentials: ${kafkaAnswered ? 'Kafka ' : ''}${temporalAnswered ? 'Temporal' : ''}`);
});

const run = `check-${Date.now().toString(36)}`;
const journeys = await step('a batch enrolled through each API, driven to MANUFACTURING', async () => {
  const enrolled = await enrolThroughEachApi(config, run);
  await driveUntil(enrolled, 'MANUFACTURING');
  return enrolled;
});

// Workflows stay on the worker that took their first task (sticky queues, eager activities): kill it.
const busy = [...(await workersThatTookTasks(config, journeys))].find((pid) => workerPids.has(pid))!;
await step(`kill the worker that ran them (pid ${busy}, SIGKILL): both batches reach COMPLETED on the other, no hand-off recorded twice`, async () => {
  process.kill(-Number(busy), 'SIGKILL');
  const stages = await driveUntil(journeys);
  if (stages.some((s) => s !== 'COMPLETED')) throw new Error(`batches ended ${stages.join(', ')}`);
  const used = await workersThatTookTasks(config, journeys);
  if (![...workerPids].every((pid) => used.has(pid))) throw new Error(`tasks taken by pids ${[...used].join(', ')}, not by both of ${[...workerPids].join(', ')}`);
  const doubled = await doubledHandoffs(config, journeys);
  if (doubled.length > 0) throw new Error(`hand-offs recorded twice: ${doubled.join('; ')}`);
  console.error(`    batches ${journeys.map((j) => j.batchId).join(', ')}; tasks taken by worker pids ${[...used].join(', ')}`);
});

await step('stack up starts the killed worker again', async () => {
  const rows = await stackUp(ctx);
  const workers = rows.filter((r) => r.service.startsWith('worker-'));
  if (workers.some((r) => r.state !== 'up')) throw new Error(workers.map((r) => `${r.service} ${r.state}`).join(', '));
});
const batches = journeys.map((j) => j.batchId);

await step('the outbox published both batches\' events to the three brokers (replication factor 3)', async () => {
  const isr = await isrCounts(kafka, BATCH_EVENTS_TOPIC);
  if (isr.some((n) => n !== 3)) throw new Error(`${BATCH_EVENTS_TOPIC}: in-sync replicas per partition ${isr.join(', ')}`);
  const keys = new Set((await consumeAll(kafka, BATCH_EVENTS_TOPIC)).map((m) => m.key));
  const missing = batches.filter((id) => !keys.has(id));
  if (missing.length > 0) throw new Error(`no event on ${BATCH_EVENTS_TOPIC} for ${missing.join(', ')}`);
});

await step('both ingest consumers are members of their group', async () => {
  const admin = kafka.admin();
  await admin.connect();
  const { groups } = await admin.describeGroups([config.V2V_INGEST_GROUP]).finally(() => admin.disconnect());
  const members = groups[0]?.members.length ?? 0;
  if (members !== 2) throw new Error(`group ${config.V2V_INGEST_GROUP} has ${members} members`);
});

const topic = `v2v.production-check.${Date.now().toString(36)}`;
const producer = durableProducer(kafka);
const publish = async (from: number, count: number) => {
  const messages = Array.from({ length: count }, (_, i) => ({ key: `k${(from + i) % 7}`, value: String(from + i) }));
  await producer.send({ topic, messages, acks: ACKS_ALL });
};

await step('publish and consume 200 messages through the three brokers', async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true }).finally(() => admin.disconnect());
  await producer.connect();
  await publish(0, 200);
  const got = await consumeAll(kafka, topic);
  if (got.length !== 200) throw new Error(`consumed ${got.length} of 200`);
});

const victim = productionPorts(config).brokers[1]!;
await step(`kill ${brokerName(victim)} (SIGKILL): 200 more acks=all writes are still taken, all 400 read back`, async () => {
  const pid = daemonPid(ctx.paths, brokerName(victim))!;
  process.kill(-pid, 'SIGKILL');
  await pollUntil(`${brokerName(victim)} to die`, async () => !isAlive(pid), { timeoutMs: 10_000 });
  const killed = performance.now();
  await publish(200, 200);
  console.error(`    the first write after the kill was acknowledged ${((performance.now() - killed) / 1000).toFixed(1)} s later (leaders moved)`);
  const got = await consumeAll(kafka, topic);
  const values = new Set(got.map((m) => m.value));
  if (values.size !== 400 || got.length !== 400) throw new Error(`read ${got.length} messages, ${values.size} distinct, of 400`);
});

await step(`stack up starts ${brokerName(victim)} again; every partition has 3 in-sync replicas`, async () => {
  await stackUp(ctx);
  await pollUntil('three in-sync replicas everywhere', async () => (await isrCounts(kafka, topic)).every((n) => n === 3), { timeoutMs: 120_000, intervalMs: 1_000 });
  await producer.disconnect();
});

const down = await step('stack down: no process of the stack is left', async () => {
  const daemons = readdirSync(ctx.paths.run).filter((f) => f.endsWith('.pid')).map((f) => f.slice(0, -'.pid'.length));
  const pids = daemons.map((name) => daemonPid(ctx.paths, name)).filter((pid) => pid !== undefined);
  await stackDown(ctx);
  const alive = pids.filter(isAlive);
  if (alive.length > 0) throw new Error(`still running: pids ${alive.join(', ')}`);
  return pids.length;
});

console.log(`\nproduction topology check passed (${down} processes started and stopped):`);
for (const [what, seconds] of timings) console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${what}`);
console.log(`  ${timings.reduce((sum, [, s]) => sum + s, 0).toFixed(1).padStart(6)} s  in all`);
