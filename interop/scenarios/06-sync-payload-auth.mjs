// Scenario 6: the app's syncPayload reaches the server's Authenticator, which admits or refuses the client.
//
// Needs a server whose Authenticator allows a call only when CallContext.payload() is a JSON object with
// "authToken" equal to AUTH_TOKEN below (LiveStoreInteropTest runs this scenario on such a server). The token
// holds characters that LiveStore's double percent-encoding of the payload must carry intact (& = + % space ü).
// A and C (right token) sync: C, fresh, ends with exactly A's rows. B (wrong token) goes through a proxy: the
// server must refuse it with 403, B keeps its own commits locally and gets nothing, and none of B's events reach
// the store.
import { assertConverged, assertTable, check, runScenario, sleep, waitFor } from '../lib/harness.mjs'

// LiveStoreInteropTest's Authenticator expects exactly this token.
const AUTH_TOKEN = 'interop s3cr3t&x=1+2%ü'

await runScenario('syncPayload reaches the Authenticator', async (ctx) => {
  const { startClient, startProxy, progress, waitServerHead } = ctx
  const good = { authToken: AUTH_TOKEN, user: 'alice' }
  const a = await startClient('A', { syncPayload: good })
  const fromA = await a.commit(3, 'a')
  await waitServerHead(3, 30000, { syncPayload: good })
  const c = await startClient('C', { syncPayload: good })
  await assertConverged([a, c], fromA)
  progress('A and C (right token) sync: C has exactly A\'s 3 rows')

  const proxy = await startProxy('B-proxy')
  const b = await startClient('B', { url: proxy.url, syncPayload: { authToken: 'wrong', user: 'mallory' } })
  const fromB = await b.commit(2, 'b')
  const refusal = await waitFor('the server to refuse B', () => proxy.frames.find((f) =>
    (f.dir === 'info' && /Unexpected server response: 403/.test(f.text)) || (f.dir === 'http-down' && f.text.startsWith('403 '))), 20000)
  progress(`the server refused B: ${refusal.text.slice(0, 160)}`)
  await sleep(2000)
  assertTable('B (refused)', await b.rows(), fromB)
  assertTable('A', await a.rows(), fromA)
  assertTable('C', await c.rows(), fromA)
  check(proxy.frames.every((f) => !(f.dir === 'up' && f.text.includes('"SyncWsRpc.Push"'))), 'a push of B got through to the server')
  progress('B kept its 2 events to itself and received nothing; A and C still have exactly A\'s 3 rows')

  await Promise.all([a.shutdown(), b.shutdown(), c.shutdown()])
})
