/**
 * Ids chosen outside V2V (devices, gateways, shipments, equipment) travel in Kafka keys, URLs and
 * workflow ids, so they stay plain: letters, digits and . _ : - only.
 */
export const PLAIN_ID = /^[A-Za-z0-9._:-]+$/;
