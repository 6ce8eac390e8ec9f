import kafkajs, { type AclEntry, type Kafka } from 'kafkajs';
import type { Config } from '../config.js';
import { dlqTopicOf } from '../ingest/contract.js';
import { KAFKA_V2V } from './kafka-security.js';

/**
 * What each principal of the production topology's Kafka may do (anything not granted is refused).
 *
 * V2V's processes own the `v2v.` topics and `v2v` consumer groups: they create them, write (the
 * outbox, dead letters, the live driver's simulated gateways), read (ingest, the API's live
 * events) and describe them. WRITE on a topic lets its writer be an idempotent producer, so no
 * cluster-wide right is needed. A gateway may only write to, and describe, the readings topic:
 * it reads nothing, joins no group and creates no topic.
 */
// kafkajs is CommonJS, and Node's named-export detection misses its ACL enums.
const { AclOperationTypes: Op, AclPermissionTypes, AclResourceTypes: Resource, ResourcePatternTypes: Pattern } = kafkajs;

export const gatewayPrincipal = (gatewayId: string) => `gateway-${gatewayId}`;

type Rule = Pick<AclEntry, 'resourceType' | 'resourceName' | 'resourcePatternType'> & { operations: AclEntry['operation'][] };

function entries(user: string, rules: Rule[]): AclEntry[] {
  return rules.flatMap(({ operations, ...resource }) =>
    operations.map((operation) => ({ ...resource, principal: `User:${user}`, host: '*', operation, permissionType: AclPermissionTypes.ALLOW })),
  );
}

const TOPIC_RIGHTS = [Op.CREATE, Op.WRITE, Op.READ, Op.DESCRIBE, Op.DESCRIBE_CONFIGS];
const GROUP_RIGHTS = [Op.READ, Op.DESCRIBE];

/** V2V's own principal; the configured readings topic and group are named too, should they lie outside the prefixes. */
export function v2vAcls(config: Pick<Config, 'V2V_INGEST_TOPIC' | 'V2V_INGEST_GROUP' | 'V2V_AUDIT_CHECKPOINT_TOPIC'>): AclEntry[] {
  const topic = (name: string, patternType: AclEntry['resourcePatternType']): Rule => ({ resourceType: Resource.TOPIC, resourceName: name, resourcePatternType: patternType, operations: TOPIC_RIGHTS });
  const own = [config.V2V_INGEST_TOPIC, dlqTopicOf(config.V2V_INGEST_TOPIC), config.V2V_AUDIT_CHECKPOINT_TOPIC].filter((t) => !t.startsWith('v2v.'));
  return entries(KAFKA_V2V, [
    topic('v2v.', Pattern.PREFIXED),
    ...own.map((t) => topic(t, Pattern.LITERAL)),
    { resourceType: Resource.GROUP, resourceName: 'v2v', resourcePatternType: Pattern.PREFIXED, operations: GROUP_RIGHTS },
    ...(config.V2V_INGEST_GROUP.startsWith('v2v')
      ? []
      : [{ resourceType: Resource.GROUP, resourceName: config.V2V_INGEST_GROUP, resourcePatternType: Pattern.LITERAL, operations: GROUP_RIGHTS }]),
  ]);
}

/** One gateway's principal: write its readings to `topic`, nothing else. */
export function gatewayAcls(gatewayId: string, topic: string): AclEntry[] {
  return entries(gatewayPrincipal(gatewayId), [{ resourceType: Resource.TOPIC, resourceName: topic, resourcePatternType: Pattern.LITERAL, operations: [Op.WRITE, Op.DESCRIBE] }]);
}

/** Adds the bindings (one already there is left as it is), as a principal allowed to alter ACLs. */
export async function grant(kafka: Kafka, acl: AclEntry[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl });
  } finally {
    await admin.disconnect();
  }
}
