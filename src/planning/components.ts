import type { PlanningProblem } from '../domain/planning/problem.js';

/**
 * The problem split into parts that share no capacity: orders are in one part when they share an
 * apheresis centre, a treatment centre or a facility they could use (e.g. the US and the EU of a
 * network whose cells stay in their region). Parts are planned one by one — an exact split, since
 * no constraint crosses it — and a solver's time grows faster than the model, so smaller is sooner.
 * Each part keeps the whole capacity table: an order only ever reads its own sites.
 */
export function independentParts(problem: PlanningProblem): PlanningProblem[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    if (!parent.has(x)) parent.set(x, x);
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const join = (a: string, b: string) => parent.set(find(a), find(b));
  const sitesOf = (o: PlanningProblem['orders'][number]) => [`ac:${o.apheresisCenterId}`, `tc:${o.treatmentCenterId}`, ...o.routes.map((r) => `fac:${r.facilityId}`)];
  for (const order of problem.orders) {
    const [first, ...rest] = sitesOf(order);
    for (const site of rest) join(first!, site);
  }
  const parts = new Map<string, PlanningProblem['orders'][number][]>();
  for (const order of problem.orders) {
    const root = find(sitesOf(order)[0]!);
    const part = parts.get(root);
    if (part) part.push(order);
    else parts.set(root, [order]);
  }
  return [...parts.values()].map((orders) => ({ orders, capacity: problem.capacity }));
}
