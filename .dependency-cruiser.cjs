/**
 * The layer rule of docs/architecture.md: imports point down.
 *   L0 core → L1 hydro → L2 observe | warn | command | logistics → L3 forecast | notify
 *   → L4 store | channels → L5 server | cli
 * L2 folders do not import each other; nor do L3 folders, nor L4 folders.
 */
const layer = {
  core: 0,
  hydro: 1,
  observe: 2,
  warn: 2,
  command: 2,
  logistics: 2,
  forecast: 3,
  notify: 3,
  store: 4,
  channels: 4,
  compute: 4,
  server: 5,
  cli: 5,
}
const folders = Object.keys(layer)
const forbidden = []
for (const from of folders) {
  for (const to of folders) {
    if (from === to) continue
    const up = layer[to] > layer[from]
    const sideways = layer[to] === layer[from] && layer[from] >= 2 && layer[from] <= 4
    if (up || sideways) {
      forbidden.push({
        name: `${from}-not-to-${to}`,
        comment: up
          ? `src/${from} (L${layer[from]}) may not import src/${to} (L${layer[to]}): imports point down.`
          : `src/${from} and src/${to} are siblings at L${layer[from]}: compose them one layer up.`,
        severity: 'error',
        from: { path: `^src/${from}/` },
        to: { path: `^src/${to}/` },
      })
    }
  }
}
forbidden.push(
  {
    name: 'no-circular',
    severity: 'error',
    comment: 'Circular imports make layers meaningless.',
    from: {},
    to: { circular: true },
  },
  {
    name: 'web-not-to-src',
    severity: 'error',
    comment: 'The dashboard (web/) talks to the server over HTTP only: it never imports src/.',
    from: { path: '^web/' },
    to: { path: '^src/' },
  },
  {
    name: 'src-not-to-web',
    severity: 'error',
    comment: 'Server code does not import the dashboard; it serves its build (web/dist).',
    from: { path: '^src/' },
    to: { path: '^web/' },
  },
  {
    name: 'src-not-to-tests-or-bench',
    severity: 'error',
    comment: 'Production code never imports tests, benchmarks or end-to-end helpers.',
    from: { path: '^src/', pathNot: '\\.test\\.ts$' },
    to: { path: '(^test/|^bench/|\\.test\\.ts$)' },
  },
)

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^web/dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
}
