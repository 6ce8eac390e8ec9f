import { describe, expect, it } from 'vitest';
import { HANDOFF_STEPS } from '../../src/domain/commands.js';
import { dinCheckCharacter } from '../../src/domain/din.js';
import { ERR } from '../../src/domain/errors.js';
import { verifyScan } from '../../src/domain/handoff.js';
import { HANDOFFS } from '../../src/domain/batch/index.js';
import { canTransition } from '../../src/domain/transitions.js';

const coiId = 'COI-KWRW-81Z2-BA41-7';
const din = 'W123426000123';

describe('hand-off steps', () => {
  it('expects each step in exactly one stage and moves that stage one step on', () => {
    expect(Object.keys(HANDOFFS).sort()).toEqual([...HANDOFF_STEPS].sort());
    const stages = Object.values(HANDOFFS).map((h) => h.awaitedIn);
    expect(new Set(stages).size).toBe(stages.length);
    for (const [step, { awaitedIn, leadsTo }] of Object.entries(HANDOFFS)) {
      expect(canTransition(awaitedIn, leadsTo), `${awaitedIn} → ${step}`).toBe(true);
    }
  });
});

describe('verifying a custody scan', () => {
  it('accepts a matching COI id and DIN, tolerating spaces, case and the check character', () => {
    expect(verifyScan({ coiId, din }, { coiId: ` ${coiId} `, din: din.toLowerCase() })).toEqual({ ok: true, din });
    expect(verifyScan({ coiId, din }, { coiId, din: din + dinCheckCharacter(din) })).toEqual({ ok: true, din });
  });

  it('assigns the DIN at collection, when the batch has none yet', () => {
    expect(verifyScan({ coiId }, { coiId, din: ` ${din}3` })).toEqual({ ok: true, din });
  });

  it('refuses an invalid DIN at collection and says why', () => {
    const result = verifyScan({ coiId }, { coiId, din: 'W1234' });
    expect(result).toMatchObject({ ok: false, code: ERR.INVALID_DIN });
    if (!result.ok) expect(result.message).toMatch(/13 characters/);
  });

  it('refuses another COI id without revealing the right one', () => {
    const result = verifyScan({ coiId, din }, { coiId: 'COI-0000-0000-0000-1', din });
    expect(result).toMatchObject({ ok: false, code: ERR.COI_MISMATCH });
    if (!result.ok) {
      expect(result.message).toMatch(/does not match this batch/);
      expect(result.message).not.toContain(coiId);
      expect(result.message).not.toContain(din);
    }
  });

  it('compares COI ids exactly, not case-insensitively', () => {
    expect(verifyScan({ coiId, din }, { coiId: coiId.toLowerCase(), din })).toMatchObject({ ok: false, code: ERR.COI_MISMATCH });
  });

  it('refuses another DIN without revealing the right one', () => {
    const result = verifyScan({ coiId, din }, { coiId, din: 'W123426000124' });
    expect(result).toMatchObject({ ok: false, code: ERR.DIN_MISMATCH });
    if (!result.ok) {
      expect(result.message).not.toContain(din);
      expect(result.message).not.toContain(coiId);
    }
  });

  it('refuses a DIN whose check character was misread', () => {
    expect(verifyScan({ coiId, din }, { coiId, din: `${din}4` })).toMatchObject({ ok: false, code: ERR.INVALID_DIN });
  });
});
