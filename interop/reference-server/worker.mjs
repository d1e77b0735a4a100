// LiveStore's own sync server (@livestore/sync-cf 0.4.0) as a local worker, for `eventsync certify --profile livestore`.
// The Durable Object and the fetch handler are sync-cf's; this file only wires them and, when the variable
// AUTH_TOKEN is set, checks the sync payload's authToken (AUTH_TOKEN opens every store, "scoped:<storeId>" one).
import { makeDurableObject, makeWorker } from '@livestore/sync-cf/cf-worker'

export class SyncBackendDO extends makeDurableObject({}) {}

const worker = (env) =>
  makeWorker({
    syncBackendBinding: 'SYNC_BACKEND_DO',
    validatePayload: (payload, { storeId }) => {
      const expected = env.AUTH_TOKEN
      if (expected === undefined || expected === '') return
      const token = payload?.authToken
      if (token !== expected && token !== `scoped:${storeId}`) throw new Error('Unauthorized: invalid authToken')
    },
  })

export default {
  fetch: (request, env, ctx) => worker(env).fetch(request, env, ctx),
}
