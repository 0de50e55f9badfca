import type { EpochMs } from '../core/brand.ts'
import { emailChannel } from './email.ts'
import { smsGatewayChannel } from './sms-gateway.ts'
import { describeChannelContract } from './testing/contract.ts'
import { closedPort, startHttpPeer, startSmtpPeer } from './testing/peers.ts'
import { webhookChannel } from './webhook.ts'

const clock = { now: () => 1_700_000_000_000 as EpochMs }
const secretFor = (): string => 'a-webhook-secret-of-some-length'

describeChannelContract('webhook', async () => {
  const peer = await startHttpPeer()
  return {
    kind: 'webhook',
    channel: webhookChannel({ secretFor, clock, timeoutMs: 2_000 }),
    peer,
    address: peer.url,
    unreachable: async () => ({
      channel: webhookChannel({ secretFor, clock, timeoutMs: 2_000 }),
      address: `http://127.0.0.1:${await closedPort()}/hook`,
    }),
    close: () => peer.close(),
  }
})

describeChannelContract('e-mail over SMTP', async () => {
  const peer = await startSmtpPeer()
  const open = (port: number): ReturnType<typeof emailChannel> =>
    emailChannel({
      host: '127.0.0.1',
      port,
      security: 'none',
      from: 'warnings@freshet.test',
      timeoutMs: 2_000,
    })
  const channel = open(peer.port)
  const down = open(await closedPort())
  return {
    kind: 'email',
    channel,
    peer,
    address: 'duty-officer@county7.test',
    unreachable: async () => ({ channel: down, address: 'duty-officer@county7.test' }),
    close: async () => {
      channel.close()
      down.close()
      await peer.close()
    },
  }
})

describeChannelContract('SMS gateway', async () => {
  const peer = await startHttpPeer()
  const auth = { name: 'Authorization', value: 'Bearer gateway-token' }
  return {
    kind: 'sms',
    channel: smsGatewayChannel({ url: peer.url, auth, timeoutMs: 2_000 }),
    peer,
    address: '+821012345678',
    unreachable: async () => ({
      channel: smsGatewayChannel({
        url: `http://127.0.0.1:${await closedPort()}/send`,
        auth,
        timeoutMs: 2_000,
      }),
      address: '+821012345678',
    }),
    close: () => peer.close(),
  }
})
