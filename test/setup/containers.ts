import { KafkaContainer } from '@testcontainers/kafka';
import { PostgreSqlContainer } from '@testcontainers/postgresql';

/**
 * PostgreSQL and Kafka from containers, for machines with a Docker engine (`V2V_TESTCONTAINERS=1`).
 * The stack then takes them as services "given by the environment" and starts only Temporal itself.
 * NOT EXERCISED on this project's own machines and CI, which have no Docker engine: there the stack
 * starts every service without Docker (DESIGN §6). The images match docker-compose.yml's versions
 * where the module allows (the Kafka module configures Confluent's image).
 */
export async function startContainers(): Promise<{ env: { DATABASE_URL: string; KAFKA_BROKERS: string }; stop(): Promise<void> }> {
  const [postgres, kafka] = await Promise.all([
    new PostgreSqlContainer('postgres:17').withDatabase('v2v').withUsername('v2v').withPassword('v2v').start(),
    new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
  ]);
  return {
    env: { DATABASE_URL: postgres.getConnectionUri(), KAFKA_BROKERS: `${kafka.getHost()}:${kafka.getMappedPort(9093)}` },
    async stop() {
      await Promise.all([postgres.stop(), kafka.stop()]);
    },
  };
}
