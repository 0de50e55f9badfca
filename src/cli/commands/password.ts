import type { Command } from 'commander'
import { InputError } from '../../core/errors.ts'
import { hashPassword } from '../../server/sessions.ts'
import { guard } from '../errors.ts'

/** The shortest password `freshet password-hash` accepts (characters). */
export const MIN_PASSWORD_LENGTH = 10

/** Reads standard input to its end (a password piped in, or typed and ended with Ctrl-D). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * `freshet password-hash`: reads a password from standard input (its first line) and prints the
 * scrypt hash to put in a user's `passwordHash` in the server's configuration. The password
 * itself is never written anywhere.
 */
export function registerPassword(program: Command): void {
  program
    .command('password-hash')
    .description(
      'read a password from standard input and print its hash for the `users` of the configuration',
    )
    .action(() =>
      guard(async () => {
        const password = (await readStdin()).split(/\r?\n/)[0] ?? ''
        if (password.length < MIN_PASSWORD_LENGTH)
          throw new InputError(
            `the password must have at least ${MIN_PASSWORD_LENGTH} characters (read ${password.length} on the first line of standard input)`,
          )
        process.stdout.write(`${await hashPassword(password)}\n`)
      }),
    )
}
