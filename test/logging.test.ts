import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, peopleFirstLogFile } from '../src/logging.js';

describe('logs of commands that talk to people', () => {
  it('go to a file under the stack’s logs when a person watches (a TTY), to the console otherwise', () => {
    expect(peopleFirstLogFile(true, '/stack/logs', 'demo')).toBe('/stack/logs/demo.log');
    expect(peopleFirstLogFile(false, '/stack/logs', 'demo')).toBeUndefined();
    expect(peopleFirstLogFile(undefined, '/stack/logs', 'demo')).toBeUndefined();
  });

  it('are JSON lines in that file, written as they happen, the patient reference redacted', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'v2v-log-')), 'logs', 'demo.log');
    const logger = createLogger({ LOG_LEVEL: 'info' }, 'demo', file);
    logger.warn({ body: { patientRef: 'MRN-123', coiId: 'COI-1' } }, 'kafka coordinator is loading');
    const [line] = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(line).toMatchObject({ name: 'demo', level: 40, msg: 'kafka coordinator is loading', body: { patientRef: '[redacted]', coiId: 'COI-1' } });
  });
});
