// The layers of DESIGN §4, as rules the build enforces (`npm run lint:deps`, part of `npm run lint`).
// Each rule names an import direction that once ran the wrong way; a new one fails CI.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'planning-needs-only-domain',
      severity: 'error',
      comment: 'The planner is a pure function behind the solver: the API, the worker and the twin call it, so it imports none of them — only the domain.',
      from: { path: '^src/planning/[^/]+$' },
      to: { path: '^(src/(?!(domain|planning)/)|workflows/|activities/|web/|bench/|test/)' },
    },
    {
      name: 'capacity-store-below-its-callers',
      severity: 'error',
      comment: 'Capacity, chains and the waitlist on the database are called by the API, the activities and the worker; they import none of those.',
      from: { path: '^src/planning/(capacity|waitlist|disruption)/' },
      to: { path: '^(src/(api|worker|ingest|sim|live|cli|stack)/|workflows/(?!messages\\.ts$)|web/|bench/|test/)' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle makes two modules one: neither can be read, tested or moved alone.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The domain holds the rules every other part uses; it imports nothing of theirs.',
      from: { path: '^src/domain/' },
      to: { path: '^(src/(?!domain/)|workflows/|activities/|web/|bench/|test/)' },
    },
    {
      name: 'twin-needs-only-domain-db-forecasts',
      severity: 'error',
      comment: 'The digital twin runs offline: the domain, the database and the forecasts, nothing that drives the running system.',
      from: { path: '^src/sim/' },
      // src/planning/: the twin runs the same planner (HiGHS) as the running system (issue 18).
      to: { path: '^(src/(?!(sim|domain|db|forecast|planning)/|config\\.ts$|logging\\.ts$)|workflows/|activities/)' },
    },
    {
      name: 'workflows-not-forecast',
      severity: 'error',
      comment: 'Workflow code is replayed: its rules come from the domain, never from the forecasts.',
      from: { path: '^workflows/' },
      to: { path: '^src/forecast/' },
    },
    {
      name: 'db-not-api',
      severity: 'error',
      comment: 'The schema sits below the API: shared literals live in the domain.',
      from: { path: '^src/db/' },
      to: { path: '^(src/(api|ingest|worker|sim|live|cli)/|workflows/|activities/)' },
    },
    {
      name: 'ingest-not-worker',
      severity: 'error',
      comment: 'Ingest and the worker are separate processes; what both need lives below them.',
      from: { path: '^src/ingest/' },
      to: { path: '^(src/(worker|api|sim|live|cli)/|activities/)' },
    },
    {
      name: 'outbox-not-activities',
      severity: 'error',
      comment: 'The outbox is used by activities, not the other way round.',
      from: { path: '^src/outbox/' },
      to: { path: '^(activities/|workflows/|src/(api|worker|ingest|sim|live|cli)/)' },
    },
    {
      name: 'forecast-not-twin',
      severity: 'error',
      comment: 'Features read the domain’s records, which the twin produces; the forecasts never import the twin.',
      from: { path: '^src/forecast/' },
      to: { path: '^(src/(sim|live|api|ingest|worker|cli)/|workflows/)' },
    },
    {
      name: 'api-not-twin-or-driver',
      severity: 'error',
      comment: 'The API serves the running system; the twin and the live driver are its clients.',
      from: { path: '^src/api/' },
      to: { path: '^src/(sim|live|cli)/' },
    },
    {
      name: 'live-uses-auth-public-api',
      severity: 'error',
      comment: 'The live driver is a client of the running system: it gets users and tokens through auth’s public identities module, never its key files, users table or principal internals.',
      from: { path: '^src/live/' },
      to: { path: '^src/api/auth/', pathNot: '^src/api/auth/identities\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.stack|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
