/**
 * Node's flags that profile a child process: `--profile DIR` of a bench writes one `.cpuprofile`
 * per thread there, which `npx tsx bench/api/profile-summary.ts FILE` summarises. NODE_OPTIONS does
 * not take `--cpu-prof`, so the flags go on the child's command line.
 */
export const cpuProfileArgs = (dir: string | undefined): string[] => (dir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', dir]);
