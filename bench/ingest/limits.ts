import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { kafka } from './topic.js';

/**
 * The limits V2V's ingest is compared with, on the same messages in the same run: a kafkajs consumer
 * that does nothing (how fast Kafka and kafkajs deliver), PostgreSQL COPY of the same rows (how fast
 * PostgreSQL takes them), and the naive consumer (one INSERT per reading) that V2V must beat.
 */
export async function noopConsumer(topic: string, group: string, total: number): Promise<{ seconds: number }> {
  const consumer = kafka.consumer({ groupId: group, maxBytesPerPartition: 2 * 1024 * 1024 });
  let consumed = 0;
  let startedAt = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  // From joining the group, as for the other consumers.
  consumer.on(consumer.events.GROUP_JOIN, () => void (startedAt ||= performance.now()));
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        consumed += batch.messages.length;
        if (consumed >= total) resolve(performance.now());
      },
    });
  });
  const endedAt = await done;
  await consumer.disconnect();
  return { seconds: (endedAt - startedAt) / 1000 };
}

/**
 * A table shaped like sensor_readings: same columns, key and index, partitioned by event time with a
 * default partition, as the readings of the current month are on this database.
 */
export async function scratchTable(pool: pg.Pool, name: string) {
  await pool.query(`create table ${name} (like sensor_readings including defaults) partition by range (event_time)`);
  await pool.query(`alter table ${name} add primary key (event_time, event_id)`);
  await pool.query(`create index on ${name} (device_id, event_time)`);
  await pool.query(`create table ${name}_default partition of ${name} default`);
}

export async function naiveConsumer(pool: pg.Pool, topic: string, group: string, table: string, seconds: number, total: number): Promise<{ rows: number; seconds: number }> {
  const consumer = kafka.consumer({ groupId: group });
  let rows = 0;
  let startedAt = 0;
  let lastAt = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  consumer.on(consumer.events.GROUP_JOIN, () => void (startedAt ||= performance.now()));
  await consumer.run({
    eachMessage: async ({ message }) => {
      const r = JSON.parse(message.value!.toString()) as { eventId: string; eventTime: string; deviceId: string; gatewayId: string; metric: string; value: number; unit: string };
      await pool.query(
        `insert into ${table} (event_id, event_time, device_id, gateway_id, metric, value, unit) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
        [r.eventId, r.eventTime, r.deviceId, r.gatewayId, r.metric, r.value, r.unit],
      );
      rows++;
      lastAt = performance.now();
    },
  });
  while (startedAt === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  // Until the time is up or the topic is drained, whichever comes first.
  while (performance.now() - startedAt < seconds * 1000 && rows < total) await new Promise((resolve) => setTimeout(resolve, 50));
  const counted = rows;
  const elapsed = (lastAt - startedAt) / 1000;
  await consumer.disconnect();
  return { rows: counted, seconds: elapsed };
}

/**
 * COPY of the same readings as rows, over as many connections as ingest applies partitions at once
 * (each takes an equal share): on a shared machine one COPY stream gets one process's share of the
 * CPU, which made the limit slower than ingest's six transactions at once. Timed from the first
 * byte to the end of the last COPY.
 */
export async function copyRows(pool: pg.Pool, table: string, values: string[], streams: number): Promise<{ seconds: number }> {
  const lines = values.map((v) => {
    const r = JSON.parse(v) as { eventId: string; eventTime: string; deviceId: string; gatewayId: string; metric: string; value: number; unit: string };
    return `${r.eventId}\t${r.eventTime}\t${r.deviceId}\t${r.gatewayId}\t${r.metric}\t${r.value}\t${r.unit}\n`;
  });
  const share = Math.ceil(lines.length / streams);
  const clients = await Promise.all(Array.from({ length: streams }, () => pool.connect()));
  try {
    const started = performance.now();
    await Promise.all(
      clients.map((client, i) => {
        const sink = client.query(copyFrom(`copy ${table} (event_id, event_time, device_id, gateway_id, metric, value, unit) from stdin`));
        return pipeline(Readable.from(chunks(lines.slice(i * share, (i + 1) * share), 10_000)), sink);
      }),
    );
    return { seconds: (performance.now() - started) / 1000 };
  } finally {
    for (const client of clients) client.release();
  }
}

function* chunks(lines: string[], size: number) {
  for (let i = 0; i < lines.length; i += size) yield lines.slice(i, i + size).join('');
}
