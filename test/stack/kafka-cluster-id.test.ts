import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { kafkaClusterId } from '../../src/stack/kafka-node.js';

describe('Kafka cluster id', () => {
  it('draws again when the id would begin with "-", which the storage tool reads as an option', () => {
    // 0xf8 puts 62 in the first six bits: base64url's '-'.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    const id = kafkaClusterId(() => draws.shift()!);
    expect(Buffer.alloc(16, 0xf8).toString('base64url')).toMatch(/^-/);
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
    expect(draws).toEqual([]);
  });

  it('is 22 base64url characters from 16 bytes', () => {
    expect(kafkaClusterId(randomBytes)).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
