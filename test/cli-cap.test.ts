/** `freshet cap validate`: agreement with the CAP example manifest, and hostile input refused. */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freshet, ROOT, tempDir, tempFiles } from './support/cli.ts'

const EXAMPLES = join(ROOT, 'data', 'cap', 'examples')

interface ManifestCase {
  readonly file: string
  readonly kind: string
  readonly expected: 'accept' | 'reject'
}
const manifest = JSON.parse(readFileSync(join(EXAMPLES, 'manifest.json'), 'utf8')) as {
  cases: ManifestCase[]
}
const capCases = manifest.cases.filter((c) => c.kind === 'cap-message')

describe('freshet cap validate', () => {
  it('agrees with the manifest on every CAP example', () => {
    const files = capCases.map((c) => join(EXAMPLES, c.file))
    const r = freshet(['cap', 'validate', ...files])
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(capCases.length)
    capCases.forEach((c, i) => {
      const line = lines[i] ?? ''
      expect(line.startsWith(`${files[i]}: `), line).toBe(true)
      const verdict = line.slice(files[i]!.length + 2)
      if (c.expected === 'accept') expect(verdict, c.file).toBe('valid')
      else expect(verdict.startsWith('invalid: '), `${c.file}: ${verdict}`).toBe(true)
    })
    expect(r.status).toBe(1)
  })

  it('exits 0 when every file is valid', () => {
    const valid = capCases.filter((c) => c.expected === 'accept').map((c) => join(EXAMPLES, c.file))
    const r = freshet(['cap', 'validate', ...valid])
    expect(
      r.stdout
        .trimEnd()
        .split('\n')
        .every((l) => l.endsWith(': valid')),
    ).toBe(true)
    expect(r.status).toBe(0)
  })

  it('names the reasons with their paths', () => {
    const f = join(EXAMPLES, 'invalid', 'polygon-three-pairs.xml')
    const r = freshet(['cap', 'validate', f])
    expect(r.stdout).toBe(`${f}: invalid: info[0].area[0].polygon[0]: fewer than 4 pairs (3)\n`)
  })

  it('refuses external entities (XXE) without fetching', () => {
    const f = join(EXAMPLES, 'invalid', 'xxe-external-entities.xml')
    const r = freshet(['cap', 'validate', f])
    expect(r.stdout).toContain('DOCTYPE declarations are refused')
    expect(r.status).toBe(1)
  })

  it('refuses billion-laughs entity expansion', () => {
    let ents = '<!ENTITY lol0 "lol">'
    for (let i = 1; i <= 9; i++) ents += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`
    const dir = tempFiles({
      'lol.xml': `<?xml version="1.0"?><!DOCTYPE alert [${ents}]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol9;</identifier></alert>`,
    })
    const r = freshet(['cap', 'validate', 'lol.xml'], dir)
    expect(r.stdout).toMatch(/^lol\.xml: invalid: document: DOCTYPE declarations are refused/)
    expect(r.status).toBe(1)
  })

  it('refuses an oversized file, the limit configurable', () => {
    const dir = tempDir()
    const valid = readFileSync(join(EXAMPLES, 'valid', 'uk-ea-cancel-minimal.xml'), 'utf8')
    writeFileSync(
      join(dir, 'big.xml'),
      valid.replace('</alert>', `<!-- ${'x'.repeat(1_100_000)} --></alert>`),
    )
    writeFileSync(join(dir, 'small.xml'), valid)
    const r = freshet(['cap', 'validate', 'big.xml'], dir)
    expect(r.stdout).toMatch(
      /^big\.xml: invalid: document: document too large: \d+ bytes \(limit 1048576\)/,
    )
    expect(r.status).toBe(1)
    const s = freshet(['cap', 'validate', '--max-bytes', '100', 'small.xml'], dir)
    expect(s.stdout).toMatch(/^small\.xml: invalid: document: document too large/)
  })

  it('reports an unreadable file on its line and exits 2', () => {
    const ok = join(EXAMPLES, 'valid', 'uk-ea-cancel-minimal.xml')
    const r = freshet(['cap', 'validate', 'no-such.xml', ok])
    expect(r.stdout).toBe(`no-such.xml: unreadable: ENOENT\n${ok}: valid\n`)
    expect(r.status).toBe(2)
  })
})
