import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { InputError } from '../../core/errors.ts'
import { openStore, resolveDatabaseUrl } from '../../store/index.ts'
import { DEFAULT_PAGE_SIZE, verifyStoredChain } from '../audit-verify.ts'
import { guard } from '../errors.ts'
import { progressBar } from '../progress.ts'

interface VerifyOptions {
  readonly db?: string
  readonly pageSize: string
}

/**
 * `freshet audit verify [--db URL]`: reads the command audit chain of the database (FRESHET_DB,
 * or `--db`) page by page and checks every entry's hash and link. Prints
 * `audit chain: N entries verified, last hash H` and exits 0, or
 * `audit chain broken at entry SEQ: REASON (…)` and exits 1. A bad option exits 2.
 */
export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the hash-chained command audit log')
  audit
    .command('verify')
    .description('verify the command audit chain stored in the database (FRESHET_DB)')
    .option('--db <url>', 'database: a SQLite file or a postgres:// URL (default FRESHET_DB)')
    .option('--page-size <n>', 'entries read per page', String(DEFAULT_PAGE_SIZE))
    .action((opts: VerifyOptions) =>
      guard(async () => {
        const pageSize = Number(opts.pageSize)
        if (!Number.isSafeInteger(pageSize) || pageSize < 1)
          throw new InputError(`--page-size must be a positive whole number, not ${opts.pageSize}`)
        const url = opts.db ?? resolveDatabaseUrl(process.env)
        // Verifying must not create the database it was asked to check.
        if (!/^postgres(ql)?:\/\//.test(url) && !existsSync(url))
          throw new InputError(`no database at ${url}`)
        const store = await openStore(url)
        try {
          const total = (await store.commandAudit.last())?.seq ?? 0
          const bar = progressBar('audit verify')
          let result
          try {
            result = await verifyStoredChain(store.commandAudit, {
              pageSize,
              onPage: (verified, lastSeq) => bar.update(verified, total, `entry ${lastSeq}`),
            })
          } finally {
            bar.stop()
          }
          if (result.ok) {
            process.stdout.write(
              `audit chain: ${result.count} entries verified, last hash ${result.lastHash}\n`,
            )
          } else {
            process.stdout.write(`${result.message}\n`)
            process.exitCode = 1
          }
        } finally {
          await store.close()
        }
      }),
    )
}
