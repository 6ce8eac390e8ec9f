import { Command } from 'commander';
import { z } from 'zod';
import type { Config } from '../config.js';
import { gatewayIdSchema } from '../ingest/contract.js';
import { gatewayKey, SIGNATURE_HEADER } from '../ingest/gateway-signature.js';
import { clusterAdminTransport, clusterBrokers } from '../stack/kafka-cluster.js';
import { issueGatewayLogin, type GatewayLogin } from '../stack/kafka-users.js';
import { stackContext } from '../stack/stack.js';
import { parseCommandOptions } from './command-options.js';
import { configWithStack } from './stack-env.js';

const issueSchema = z.object({ gatewayId: gatewayIdSchema, kafkaLogin: z.boolean() });

/** `v2v gateway`: what a sensor gateway needs to publish readings V2V will take from it. */
export function gatewayCommand(config: () => Config): Command {
  const gateway = new Command('gateway').description("a sensor gateway's credentials");
  gateway
    .command('issue')
    .description(
      "print a gateway's signing key (the ingest contract's " + SIGNATURE_HEADER + ' header) as JSON; on the production topology, also a Kafka login ' +
        'that may only write readings (a new password each time: the old one stops working)',
    )
    .argument('<gatewayId>', 'the gateway, as its devices are registered to it')
    .option('--no-kafka-login', 'print the signing key only, leaving the Kafka login as it is')
    .action(async (gatewayId: string, raw: Record<string, unknown>) => {
      const options = parseCommandOptions(issueSchema, { ...raw, gatewayId });
      const settings = configWithStack(config());
      const secret = settings.V2V_GATEWAY_KEY_SECRET;
      if (!secret) throw new Error('V2V_GATEWAY_KEY_SECRET is not set, so ingest checks no signatures here (the dev stack): set it, or run the production topology, which does.');
      const kafka = options.kafkaLogin ? await ownKafkaLogin(settings, options.gatewayId) : undefined;
      const issued = {
        gatewayId: options.gatewayId,
        signing: { header: SIGNATURE_HEADER, algorithm: 'HMAC-SHA256 of the record value, lowercase hex', key: gatewayKey(secret, options.gatewayId).toString('hex') },
        ...(kafka ? { kafka: { ...kafka, topic: settings.V2V_INGEST_TOPIC } } : {}),
      };
      // Hand it to the gateway only: it is the only copy this command makes, and nothing logs it.
      console.log(JSON.stringify(issued, null, 2));
    });
  return gateway;
}

/** The gateway's login on the stack's own production Kafka; elsewhere the Kafka's operator makes it. */
async function ownKafkaLogin(config: Config, gatewayId: string): Promise<GatewayLogin | undefined> {
  const ctx = stackContext(config);
  const own = ctx.topology === 'production' && clusterAdminTransport(ctx.paths) !== undefined && config.KAFKA_BROKERS === clusterBrokers(ctx);
  if (own) return issueGatewayLogin(ctx, gatewayId, config.V2V_INGEST_TOPIC);
  console.error(`No Kafka login made: KAFKA_BROKERS is not this stack's production Kafka. Give the gateway a principal of its own there, allowed WRITE and DESCRIBE on ${config.V2V_INGEST_TOPIC} and nothing else.`);
  return undefined;
}
