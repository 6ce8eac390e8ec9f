import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where a V8 CPU profile (`node --cpu-prof`, e.g. `npm run bench:api -- --profile DIR`) spends its
 * time: self time by package (or V2V's own code, Node's internals, the garbage collector) and the
 * busiest functions, as two markdown tables. `npm run bench:api -- --profile DIR` prints it for the
 * API's main thread; for any other profile: npx tsx bench/api/profile-summary.ts FILE.cpuprofile [top]
 */
interface ProfileNode {
  id: number;
  hitCount?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summarizeProfile(file: string, top = 15): string {
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

// Each sample's time is the delta to the next one; a node's self time is the sum over its samples.
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));

function ownerOf({ functionName, url }: ProfileNode['callFrame']): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node: internals';
  return 'v2v';
}

const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const isIdle = (id: number) => nodes.get(id)!.callFrame.functionName === '(idle)';
const busy = total - [...selfUs].filter(([id]) => isIdle(id)).reduce((a, [, us]) => a + us, 0);
const byOwner = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, us] of selfUs) {
  if (isIdle(id)) continue;
  const frame = nodes.get(id)!.callFrame;
  const owner = ownerOf(frame);
  byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
  const where = frame.url ? `${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|activities|workflows)\//, '$1/')}:${frame.lineNumber + 1}` : '';
  const name = `${frame.functionName || '(anonymous)'} ${where}`.trim();
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
}

const pct = (us: number) => `${((100 * us) / busy).toFixed(1)}%`;
const ranked = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
return [
  `${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages of busy time)`,
  '',
  '| self time by owner | % |',
  '|---|---:|',
  ...ranked(byOwner).map(([owner, us]) => `| ${owner} | ${pct(us)} |`),
  '',
  '| busiest functions (self) | % |',
  '|---|---:|',
  ...ranked(byFunction).map(([name, us]) => `| \`${name}\` | ${pct(us)} |`),
].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [top]');
  console.log(summarizeProfile(file, top ? Number(top) : undefined));
}
