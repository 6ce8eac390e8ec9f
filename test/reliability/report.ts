import type { FaultRow, ReliabilityReport } from './run.js';

const seconds = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);

const COLUMNS: [string, (r: FaultRow) => string][] = [
  ['fault', (r) => r.fault],
  ['when', (r) => r.when],
  ['readings lost', (r) => String(r.readingsLost)],
  ['readings doubled', (r) => String(r.readingsDoubled)],
  ['custody lost', (r) => String(r.custodyLost)],
  ['custody doubled', (r) => String(r.custodyDoubled)],
  ['bookings lost', (r) => String(r.bookingsLost)],
  ['bookings doubled', (r) => String(r.bookingsDoubled)],
  ['batches stuck', (r) => String(r.batchesStuck)],
  ['time to recover', (r) => seconds(r.recoverMs)],
  ['process back after', (r) => seconds(r.restoredMs)],
];

/** The reliability table as Markdown, so the README and the closing note take it as printed. */
export function formatReport(report: ReliabilityReport): string {
  const lines = [
    `| ${COLUMNS.map(([h]) => h).join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...report.rows.map((row) => `| ${COLUMNS.map(([, cell]) => cell(row)).join(' | ')} |`),
  ];
  return [
    ...lines,
    '',
    `${report.batches} batches, ${report.readings} readings owed; v2v audit verify: ${report.auditVerify.ok ? 'intact' : 'BROKEN'} (${report.auditVerify.output.split('\n').at(-1)})`,
    `${report.refusedReadings.count} fleet readings refused by Kafka (not acknowledged, so not owed; a gateway sends them again)${report.refusedReadings.lastReason ? `, the last: ${report.refusedReadings.lastReason}` : ''}`,
    `${report.withdrawn.length} batches withdrawn by their coordinator after the product's infusion window closed${report.withdrawn.length > 0 ? `: ${report.withdrawn.join(', ')}` : ''}`,
    `at most ${report.peakInFlight} batches in flight; stack up ${report.stackUpSeconds.toFixed(0)} s; whole run ${report.wallSeconds.toFixed(0)} s`,
    '',
    'resident memory of each V2V process (its longest-lived pid, after 2 minutes of warm-up):',
    ...report.rss.map((r) => `- ${r.process} (pid ${r.pid}): ${r.firstMb.toFixed(0)} → ${r.lastMb.toFixed(0)} MB over ${r.minutes.toFixed(1)} min, slope ${r.slopeMbPerMinute.toFixed(2)} MB/min`),
    ...(report.findings.length > 0 ? ['', 'findings:', ...report.findings.map((f) => `- ${f}`)] : []),
  ].join('\n');
}

/** Every row zero, the trail intact and nothing found: the run passes. */
export function passed(report: ReliabilityReport): boolean {
  const damaged = report.rows.some((r) => r.readingsLost + r.readingsDoubled + r.custodyLost + r.custodyDoubled + r.bookingsLost + r.bookingsDoubled + r.batchesStuck > 0);
  return !damaged && report.auditVerify.ok && report.findings.length === 0;
}
