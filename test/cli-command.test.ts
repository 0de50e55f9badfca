/**
 * `freshet command …` on a temporary SQLite database: the hierarchy imported from a file
 * (and refused whole, with the field and line named, when anything in it is wrong), listed;
 * an order's state at every post; orders issued (from options or the API's body in a file) and
 * answered, incidents opened, listed and closed; a situation rolled up at a post. Writes go
 * through the server's command service, so the audit chain holds what the API would have
 * appended; refused ones change nothing and exit with status 2 and one line.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { EpochMs } from '../src/core/brand.ts'
import type { UserId } from '../src/core/ids.ts'
import { verifyChain } from '../src/command/audit-chain.ts'
import type { IncidentId, OrderId, Post, PostId } from '../src/command/types.ts'
import { createCommandService } from '../src/server/command-service.ts'
import { EventHub } from '../src/server/events.ts'
import { ROOT, freshet, tempDir, withStore, auditOf } from './support/cli.ts'
import { TOKENS, auth, testServer } from './support/server.ts'

/** Each run of the CLI starts a process that loads the sources: a test runs several. */
const CLI_TIMEOUT_MS = 240_000

const DEMO = join(ROOT, 'data', 'demo', 'command.json')
const demoPosts = (): Post[] => (JSON.parse(readFileSync(DEMO, 'utf8')) as { posts: Post[] }).posts
const HOUR = 3_600_000
const T0 = Date.UTC(2016, 4, 31, 6)

/** Runs `freshet command args…` on `db` as user `ops`. */
const cmd = (db: string, ...args: string[]) =>
  freshet(['command', ...args, '--db', db], undefined, { FRESHET_USER: 'ops' })

/** A fresh database file path (not created). */
const newDb = (): string => join(tempDir(), 'freshet.db')

describe('freshet command posts', { timeout: CLI_TIMEOUT_MS }, () => {
  it('imports the demo hierarchy, lists it, and audits it as the API does', async () => {
    const db = newDb()
    const r = cmd(db, 'posts', 'import', DEMO)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('19 posts stored (national 1, basin 1, province 5, county 12)\n')

    const list = cmd(db, 'posts', 'list')
    expect(list.status).toBe(0)
    const lines = list.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^id\s+level\s+name\s+parents\s+areas$/)
    expect(lines).toHaveLength(1 + 19 + 1)
    expect(lines[1]).toMatch(/^fr\.national\s+national\s+National flood command centre$/)
    expect(lines.find((l) => l.startsWith('fr.aube.troyes '))).toMatch(
      /county\s+.*fr\.aube fr\.basin\.seine\s+\S+/,
    )
    expect(lines.at(-1)).toBe('19 posts: national 1, basin 1, province 5, county 12')
    const json = JSON.parse(cmd(db, 'posts', 'list', '--json').stdout) as { posts: Post[] }
    expect(new Set(json.posts.map((p) => p.id))).toEqual(new Set(demoPosts().map((p) => p.id)))
    // Locations (WGS84 degrees) are kept as imported.
    for (const p of demoPosts())
      expect(json.posts.find((x) => x.id === p.id)!.location, p.id).toEqual(p.location)

    // The same posts through the API: the same audit entry, but for who and when.
    const s = await testServer()
    try {
      const put = await s.app.inject({
        method: 'PUT',
        url: '/api/v1/command/posts',
        headers: auth(TOKENS.admin),
        payload: { posts: demoPosts() },
      })
      expect(put.statusCode).toBe(200)
      const [api] = await s.store.commandAudit.page(0, 10)
      const cli = await auditOf(db)
      expect(cli).toHaveLength(1)
      expect(cli[0]).toMatchObject({
        seq: 1,
        actor: 'ops',
        kind: api!.kind,
        subject: api!.subject,
        payloadJson: api!.payloadJson,
      })
      expect(api!.kind).toBe('posts.replaced')
    } finally {
      await s.close()
    }
    const verify = freshet(['audit', 'verify', '--db', db])
    expect(verify.stdout).toMatch(/^audit chain: 1 entries verified/)
  })

  it('refuses a bad file whole, naming the field and the line, and changes nothing', async () => {
    const db = newDb()
    expect(cmd(db, 'posts', 'import', DEMO).status).toBe(0)
    const dir = tempDir()
    const write = (name: string, text: string): string => {
      const file = join(dir, name)
      writeFileSync(file, text)
      return file
    }
    const shape = write(
      'shape.json',
      [
        '{',
        '  "posts": [',
        '    { "id": "hq", "name": "HQ", "level": "national" },',
        '    { "id": "p1", "name": "P1", "level": "province", "parents": ["hq"] },',
        '    {',
        '      "id": "c1",',
        '      "name": "C1",',
        '      "level": "parish"',
        '    }',
        '  ]',
        '}',
      ].join('\n'),
    )
    const graph = write(
      'graph.json',
      readFileSync(shape, 'utf8').replace('"parish"', '"county", "parents": ["p9", "hq"]'),
    )
    const upward = write(
      'upward.json',
      readFileSync(shape, 'utf8').replace('"parish"', '"national", "parents": ["p1"]'),
    )
    const located = write(
      'located.json',
      readFileSync(shape, 'utf8').replace(
        '"parish"',
        '"county", "parents": ["p1"], "location": { "lat": 48.2, "lon": 184.5 }',
      ),
    )
    const halfLocated = write(
      'half.json',
      readFileSync(shape, 'utf8').replace(
        '"parish"',
        '"county", "parents": ["p1"], "location": { "lat": 48.2 }',
      ),
    )
    const syntax = write('syntax.json', '{\n  "posts": [\n    { "id": "a", }\n  ]\n}\n')
    const noPosts = write('none.json', '{ "post": [] }')
    const cases: [string, RegExp][] = [
      [shape, /shape\.json:5: posts\[2\]\.level: Invalid option/],
      [graph, /graph\.json:5: posts\[2\]\.parents\[0\]: unknown parent post p9/],
      [
        upward,
        /upward\.json:5: posts\[2\]\.parents\[0\]: parent p1 is a province post, not above c1/,
      ],
      [
        located,
        /located\.json:5: posts\[2\]\.location\.lon: post c1: must be a longitude in \[-180, 180\] degrees, got 184\.5/,
      ],
      [halfLocated, /half\.json:5: posts\[2\]\.location\.lon: /],
      [syntax, /syntax\.json:3:18: not JSON/],
      [noPosts, /none\.json: expected an object with an array "posts"/],
      [join(dir, 'missing.json'), /cannot read .*missing\.json: ENOENT/],
    ]
    for (const [file, message] of cases) {
      const r = cmd(db, 'posts', 'import', file)
      expect(r.status, file).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr, file).toMatch(/^freshet: /)
      expect(r.stderr, file).toMatch(message)
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
    }
    // Nothing was stored, nor audited.
    expect(cmd(db, 'posts', 'list').stdout).toMatch(/19 posts: national 1, basin 1/)
    expect(await auditOf(db)).toHaveLength(1)
    // A refused file never creates a database, and reading never does.
    const fresh = join(dir, 'fresh.db')
    expect(cmd(fresh, 'posts', 'import', graph).status).toBe(2)
    expect(existsSync(fresh)).toBe(false)
    const missing = cmd(join(dir, 'none.db'), 'posts', 'list')
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/no database at .*none\.db/)
  })
})

describe('freshet command orders and sitrep', { timeout: CLI_TIMEOUT_MS }, () => {
  /** The demo hierarchy with an order from the basin HQ answered by some posts, and reports. */
  async function scenario(db: string): Promise<void> {
    expect(cmd(db, 'posts', 'import', DEMO).status).toBe(0)
    const clock = { t: T0 }
    await withStore(db, async (store) => {
      const command = createCommandService({
        store,
        clock: { now: () => clock.t as EpochMs },
        events: new EventHub(),
        log: () => {},
      })
      const h = await command.hierarchy()
      const posts = [...h.posts.keys()]
      await command.changeAssignments(
        [
          { user: 'boss' as UserId, post: 'fr.basin.seine' as PostId, role: 'commander' },
          ...posts.map((post) => ({ user: 'duty' as UserId, post, role: 'duty-officer' as const })),
        ],
        [],
        'ops',
      )
      const boss = await command.principal('boss')
      const duty = await command.principal('duty')
      await command.issueOrder(boss, {
        id: 'seine.2016.1',
        issuerPost: 'fr.basin.seine',
        title: 'Prepare evacuation of the Aube valley',
        actions: ['open the shelters', 'warn the riverside communes'],
        recipients: { kind: 'all-below' },
        ackDeadline: T0 + HOUR,
        completionDeadline: T0 + 24 * HOUR,
      })
      await command.respond(duty, 'seine.2016.1', 'fr.aube', { kind: 'accepted' }, 0)
      await command.respond(duty, 'seine.2016.1', 'fr.aube.troyes', { kind: 'received' }, 0)
      await command.respond(
        duty,
        'seine.2016.1',
        'fr.aube.bar-sur-aube',
        { kind: 'unable', reason: 'road cut at Dienville' },
        0,
      )
      clock.t += HOUR + 60_000
      const pass = await command.escalateNow()
      expect(pass.escalated).toHaveLength(17 - 3)
      const figures = (affected: number, evacuated: number) => ({
        affectedPopulation: affected,
        evacuated,
        dead: 0,
        injured: 1,
        missing: 0,
        damagedHouses: 10,
      })
      const period = { from: (T0 - 6 * HOUR) as EpochMs, to: T0 as EpochMs }
      await command.fileSitrep(duty, {
        id: 'troyes.1',
        post: 'fr.aube.troyes' as PostId,
        period,
        figures: figures(1200, 300),
        needs: [{ item: 'sandbags', quantity: 5000, unit: 'bag' }],
      })
      await command.fileSitrep(duty, {
        id: 'bar.1',
        post: 'fr.aube.bar-sur-aube' as PostId,
        period,
        figures: figures(400, 0),
        needs: [{ item: 'sandbags', quantity: 1000, unit: 'bag' }],
      })
      await command.stop()
    })
  }

  it("shows an order's state at every post with counts per level, and the situation at a post", async () => {
    const db = newDb()
    await scenario(db)
    const r = cmd(db, 'orders', 'show', 'seine.2016.1')
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('order seine.2016.1: Prepare evacuation of the Aube valley')
    expect(lines[1]).toMatch(/^issued by boss at fr\.basin\.seine, 2016-05-31T06:00:00\.000Z/)
    expect(lines[2]).toBe(
      'acknowledge by 2016-05-31T07:00:00.000Z, complete by 2016-06-01T06:00:00.000Z',
    )
    const row = (first: string): string[] =>
      lines
        .find((l) => l.split(/\s+/)[0] === first)!
        .trim()
        .split(/\s+/)
    // level, total, issued, received, accepted, unable, completed, escalatedAck, escalatedCompletion
    expect(row('province')).toEqual(['province', '5', '4', '0', '1', '0', '0', '4', '0'])
    expect(row('county')).toEqual(['county', '12', '10', '1', '0', '1', '0', '10', '0'])
    expect(row('all')).toEqual(['all', '17', '14', '1', '1', '1', '0', '14', '0'])
    expect(row('fr.aube')).toEqual(expect.arrayContaining(['fr.aube', 'province', 'accepted', '1']))
    expect(row('fr.aube.bar-sur-aube').join(' ')).toMatch(
      /county unable 1 \S+ - - - road cut at Dienville$/,
    )
    expect(row('fr.yonne')).toEqual([
      'fr.yonne',
      'province',
      'issued',
      '1',
      '-',
      '-',
      '2016-05-31T07:01:00.000Z',
      '-',
    ])
    const issued = cmd(db, 'orders', 'show', 'seine.2016.1', '--status', 'issued')
    expect(issued.stdout).not.toMatch(/fr\.aube\.troyes/)
    expect(issued.stdout).toMatch(/fr\.yonne\.sens/)

    const sitrep = cmd(db, 'sitrep', 'fr.aube', '--at', '2016-06-01T00:00:00Z')
    expect(sitrep.stderr).toBe('')
    expect(sitrep.status).toBe(0)
    const out = sitrep.stdout
    expect(out).toMatch(/^situation at fr\.aube \(.*\), 2016-06-01T00:00:00\.000Z: 2 reports\n/)
    expect(out).toMatch(
      /\naffectedPopulation\s+1600\s+fr\.aube\.troyes 1200 \(troyes\.1\), fr\.aube\.bar-sur-aube 400 \(bar\.1\)\n/,
    )
    expect(out).toMatch(/\nevacuated\s+300\s+fr\.aube\.troyes 300 \(troyes\.1\)\n/)
    expect(out).toMatch(/\nsandbags\s+6000\s+bag\s+/)
    expect(out).toMatch(/\nsilent: 2 posts \(fr\.aube, fr\.aube\.nogent-sur-seine\)\n$/)
    // Before the reports were filed, nothing is known.
    const before = cmd(db, 'sitrep', 'fr.aube', '--at', '2016-05-30T00:00:00Z')
    expect(before.stdout).toMatch(/: 0 reports\n/)
  })

  it('says what is unknown, with status 2', async () => {
    const db = newDb()
    await scenario(db)
    const order = cmd(db, 'orders', 'show', 'nope.1')
    expect(order.status).toBe(2)
    expect(order.stderr).toBe('freshet: no order nope.1\n')
    const post = cmd(db, 'sitrep', 'fr.nowhere')
    expect(post.status).toBe(2)
    expect(post.stderr).toBe('freshet: no post fr.nowhere\n')
    const at = cmd(db, 'sitrep', 'fr.aube', '--at', 'yesterday')
    expect(at.status).toBe(2)
    expect(at.stderr).toMatch(/--at must be an ISO 8601 time, not yesterday/)
  })
})

describe('freshet command orders issue|answer and incidents', { timeout: CLI_TIMEOUT_MS }, () => {
  let db: string
  const dir = tempDir()
  beforeAll(() => {
    db = newDb()
    expect(cmd(db, 'posts', 'import', DEMO).status).toBe(0)
  }, CLI_TIMEOUT_MS)

  /** The audit entries after the first `from`, as [actor, kind, subject, payload]. */
  const auditAfter = async (from: number) =>
    (await auditOf(db))
      .slice(from)
      .map((e) => [e.actor, e.kind, e.subject, JSON.parse(e.payloadJson) as unknown])

  it('issues orders from options and from a file, answers them and shows them, audited', async () => {
    const before = Date.now()
    const issued = cmd(
      db,
      'orders',
      'issue',
      '--id',
      'seine.cli.1',
      '--from',
      'fr.basin.seine',
      '--to',
      'fr.aube,fr.aube.troyes',
      '--title',
      'Open the shelters',
      '--action',
      'open the shelters',
      '--action',
      'warn the riverside communes',
      '--ack-within',
      '1.5',
      '--complete-within',
      '12',
    )
    expect(issued.stderr).toBe('')
    expect(issued.status).toBe(0)
    const m =
      /^order seine\.cli\.1 issued from fr\.basin\.seine to 2 posts \(selected\); acknowledge by (\S+), complete by (\S+)\n$/.exec(
        issued.stdout,
      )
    expect(m, issued.stdout).not.toBeNull()
    const ack = Date.parse(m![1]!)
    expect(ack).toBeGreaterThanOrEqual(before + 1.5 * HOUR)
    expect(ack).toBeLessThan(Date.now() + 1.5 * HOUR)
    expect(Date.parse(m![2]!) - ack).toBe(10.5 * HOUR)

    // The API's body in a file, to every post below the Aube, printed as the API returns it.
    const file = join(dir, 'order.json')
    writeFileSync(
      file,
      JSON.stringify({
        issuerPost: 'fr.aube',
        title: 'Sandbag the embankments',
        actions: ['fill sandbags'],
        recipients: { kind: 'all-below' },
        ackDeadline: new Date(Date.now() + HOUR).toISOString(),
        completionDeadline: new Date(Date.now() + 6 * HOUR).toISOString(),
      }),
    )
    const fromFile = cmd(db, 'orders', 'issue', '--file', file, '--json')
    expect(fromFile.stderr).toBe('')
    expect(fromFile.status).toBe(0)
    const api = JSON.parse(fromFile.stdout) as { id: string; recipients: string[]; scope: string }
    expect(api).toMatchObject({
      issuedBy: 'ops',
      scope: 'all-below',
      title: 'Sandbag the embankments',
    })
    expect(new Set(api.recipients)).toEqual(
      new Set(['fr.aube.troyes', 'fr.aube.bar-sur-aube', 'fr.aube.nogent-sur-seine']),
    )

    // Answers at the version each post's record is at; one by another user.
    const accepted = cmd(db, 'orders', 'answer', 'seine.cli.1', 'fr.aube', '--kind', 'accepted')
    expect(accepted.stdout).toBe('order seine.cli.1 at fr.aube: accepted (version 1)\n')
    const done = cmd(
      db,
      'orders',
      'answer',
      'seine.cli.1',
      'fr.aube',
      '--kind',
      'completed',
      '--report',
      'three shelters open',
    )
    expect(done.stdout).toBe('order seine.cli.1 at fr.aube: completed (version 2)\n')
    const unable = cmd(
      db,
      'orders',
      'answer',
      'seine.cli.1',
      'fr.aube.troyes',
      '--kind',
      'unable',
      '--reason',
      'no transport',
      '--as',
      'troyes.duty',
    )
    expect(unable.stderr).toBe('')
    expect(unable.stdout).toBe('order seine.cli.1 at fr.aube.troyes: unable (version 1)\n')

    const show = cmd(db, 'orders', 'show', 'seine.cli.1')
    expect(show.status).toBe(0)
    expect(show.stdout).toMatch(
      /^order seine\.cli\.1: Open the shelters\nissued by ops at fr\.basin\.seine/,
    )
    expect(show.stdout).toContain('\n  1. open the shelters\n  2. warn the riverside communes\n')
    expect(show.stdout).toMatch(/\nfr\.aube\s+province\s+completed\s+2\s.*three shelters open\n/)
    expect(show.stdout).toMatch(/\nfr\.aube\.troyes\s+county\s+unable\s+1\s.*no transport\n/)

    // Stored as the service stores the API's writes, and audited by who acted.
    await withStore(db, async (store) => {
      const o = (await store.orders.find('seine.cli.1' as OrderId))!
      expect(o.order).toMatchObject({
        issuerPost: 'fr.basin.seine',
        issuedBy: 'ops',
        recipients: ['fr.aube', 'fr.aube.troyes'],
        actions: ['open the shelters', 'warn the riverside communes'],
        ackDeadline: ack,
      })
      expect(o.recipients.get('fr.aube' as PostId)).toMatchObject({ status: 'completed' })
      expect((await store.orders.find(api.id as OrderId))!.order.issuerPost).toBe('fr.aube')
    })
    const audit = await auditAfter(1)
    expect(audit.map(([actor, kind, subject]) => [actor, kind, subject])).toEqual([
      ['ops', 'order.issued', 'seine.cli.1'],
      ['ops', 'order.issued', api.id],
      ['ops', 'order.accepted', 'seine.cli.1'],
      ['ops', 'order.completed', 'seine.cli.1'],
      ['troyes.duty', 'order.unable', 'seine.cli.1'],
    ])
    expect(audit[4]![3]).toEqual({ post: 'fr.aube.troyes', reason: 'no transport' })
    const all = await auditOf(db)
    expect(verifyChain(all)).toMatchObject({ ok: true, count: all.length })
  })

  it('opens, lists and closes incidents, audited', async () => {
    const start = (await auditOf(db)).length
    const opened = cmd(
      db,
      'incidents',
      'open',
      '--post',
      'fr.aube',
      '--title',
      'Aube rising at Troyes',
      '--level',
      'II',
      '--id',
      'aube.2016',
    )
    expect(opened.stderr).toBe('')
    expect(opened.stdout).toBe(
      'incident aube.2016 opened at fr.aube, level II: Aube rising at Troyes\n',
    )
    const yonne = JSON.parse(
      cmd(
        db,
        'incidents',
        'open',
        '--post',
        'fr.yonne',
        '--title',
        'Yonne',
        '--level',
        'IV',
        '--json',
      ).stdout,
    ) as { id: string; status: string; level: string }
    expect(yonne).toMatchObject({ status: 'open', level: 'IV' })

    const listed = cmd(db, 'incidents', 'list')
    expect(listed.status).toBe(0)
    const lines = listed.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^id\s+post\s+level\s+status\s+opened\s+closed\s+source\s+title$/)
    // Newest first.
    expect(lines.slice(1, -1).map((l) => l.split(/\s+/)[0])).toEqual([yonne.id, 'aube.2016'])
    expect(lines[2]).toMatch(
      /^aube\.2016\s+fr\.aube\s+II\s+open\s+\S+\s+-\s+manual\s+Aube rising at Troyes$/,
    )
    expect(lines.at(-1)).toBe('2 incidents not closed')

    const closed = cmd(db, 'incidents', 'close', 'aube.2016', '--reason', 'water receding')
    expect(closed.stderr).toBe('')
    expect(closed.stdout).toMatch(/^incident aube\.2016 at fr\.aube closed at \S+Z\n$/)
    const gone = JSON.parse(
      cmd(db, 'incidents', 'list', '--status', 'closed', '--json').stdout,
    ) as {
      id: string
      status: string
      log: { kind: string; by: string; summary: string }[]
    }[]
    expect(gone.map((i) => [i.id, i.status])).toEqual([['aube.2016', 'closed']])
    expect(gone[0]!.log.at(-1)).toEqual(
      expect.objectContaining({ kind: 'closed', by: 'ops', summary: 'closed: water receding' }),
    )
    await withStore(db, async (store) => {
      expect((await store.incidents.find('aube.2016' as IncidentId))!.status).toBe('closed')
      expect((await store.incidents.open()).map((i) => i.id)).toEqual([yonne.id])
    })
    expect(await auditAfter(start)).toEqual([
      [
        'ops',
        'incident.opened',
        'aube.2016',
        {
          post: 'fr.aube',
          title: 'Aube rising at Troyes',
          level: 'II',
          source: { kind: 'manual' },
        },
      ],
      ['ops', 'incident.opened', yonne.id, expect.objectContaining({ post: 'fr.yonne' })],
      ['ops', 'incident.closed', 'aube.2016', { reason: 'water receding' }],
    ])
  })

  it('refuses bad input with status 2 and one line naming it, changing nothing', async () => {
    const start = (await auditOf(db)).length
    const order = ['orders', 'issue', '--from', 'fr.aube', '--title', 'T', '--action', 'a']
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, JSON.stringify({ issuerPost: 'fr.aube', title: 'T', actions: ['a'] }))
    const cases: [string[], string][] = [
      [[...order, '--to', 'fr.aube.troyes,fr.nowhere'], 'invalid: --to: unknown post fr.nowhere'],
      [
        [...order, '--to', 'fr.yonne'],
        'refused: --to: fr.yonne is not below fr.aube: ops may not order it from there',
      ],
      [
        [...order, '--scope', 'direct', '--ack-within', 'soon'],
        '--ack-within must be a positive number of hours, not "soon"',
      ],
      [
        ['orders', 'issue', '--from', 'fr.aube', '--scope', 'direct', '--action', 'a'],
        '--title TEXT is required (or --file)',
      ],
      [
        ['orders', 'issue', '--file', bad],
        `${bad}: invalid order, nothing issued: recipients: Invalid input: expected object, received undefined; ackDeadline: Invalid input: expected string, received undefined; completionDeadline: Invalid input: expected string, received undefined`,
      ],
      [
        ['orders', 'answer', 'seine.cli.1', 'fr.aube', '--kind', 'received'],
        'order seine.cli.1 at fr.aube is completed (version 2): received refused: fr.aube already reported completion',
      ],
      [
        ['orders', 'answer', 'seine.cli.1', 'fr.yonne', '--kind', 'accepted'],
        'fr.yonne is not a recipient of order seine.cli.1',
      ],
      [
        ['incidents', 'open', '--post', 'fr.nowhere', '--title', ' ', '--level', 'I'],
        'invalid: --title: must not be empty; --post: unknown post fr.nowhere',
      ],
      [
        ['incidents', 'close', 'aube.2016', '--reason', 'twice'],
        'incident aube.2016 at fr.aube is closed (version 2): close refused: incident aube.2016 is closed',
      ],
    ]
    for (const [args, message] of cases) {
      const r = cmd(db, ...args)
      expect(r.status, args.join(' ')).toBe(2)
      expect(r.stdout, args.join(' ')).toBe('')
      expect(r.stderr, args.join(' ')).toBe(`freshet: ${message}\n`)
    }
    // Nothing stored: only the order refused for want of authority below fr.aube is audited,
    // as the API audits it.
    await withStore(db, async (store) => {
      expect((await store.orders.issuedBy('fr.aube' as PostId)).map((o) => o.title)).toEqual([
        'Sandbag the embankments',
      ])
    })
    expect(await auditAfter(start)).toEqual([
      [
        'ops',
        'command.refused',
        expect.stringMatching(/^o-/),
        expect.objectContaining({ action: 'issue-order' }),
      ],
    ])
  })
})
