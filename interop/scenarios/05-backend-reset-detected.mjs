// Scenario 5: a reset store (new backendId) is detected.
//
// R (onBackendIdMismatch: 'reset') and S (onBackendIdMismatch: 'shutdown') both keep their state in files and
// share 3 events. Then the server resets the store (SyncEngine.resetStore, asked for through the control
// channel): it forgets the history and gets a new backendId. Both clients must notice and shut down.
// R, restarted on its directory, must boot with an empty table (LiveStore cleared it) and work with the new
// backend: its new events reach a fresh client C, and C sees nothing of the old history.
// S, restarted on its directory, must still have its 3 stale rows, detect the mismatch again and shut down
// again, without pushing its stale events into the new store.
import { assertConverged, assertTable, check, runScenario, sleep } from '../lib/harness.mjs'

/** LiveStore's 'reset' mode ends the store on purpose, with the reason 'backend-id-mismatch'. */
const isResetShutdown = (notice) => notice.outcome === 'success' && notice.reason === 'backend-id-mismatch'
/** LiveStore's 'shutdown' mode ends the store with the BackendIdMismatchError itself. */
const isMismatchFailure = (notice) => notice.outcome === 'failure' && notice.errorTag === 'BackendIdMismatchError'

await runScenario('a reset store (new backendId) is detected', async (ctx) => {
  const { startClient, progress, tempDir, control, waitServerHead } = ctx
  const dirR = tempDir('R')
  const dirS = tempDir('S')
  let r = await startClient('R', { storage: 'fs', dataDir: dirR, onBackendIdMismatch: 'reset' })
  let s = await startClient('S', { storage: 'fs', dataDir: dirS, onBackendIdMismatch: 'shutdown' })
  const old = await r.commit(3, 'old')
  await assertConverged([r, s], old)
  progress('R and S share 3 events')

  const reset = await control('resetStore')
  check(typeof reset.backendId === 'string' && reset.backendId.length > 0, `the control reply has no backendId: ${JSON.stringify(reset)}`)
  progress(`the server reset the store: new backendId ${reset.backendId}`)

  const [rDown, sDown] = await Promise.all([r.notice('shutdown', 30000), s.notice('shutdown', 30000)])
  progress(`R shut down (${JSON.stringify(rDown)}); S shut down (${JSON.stringify(sDown)})`)
  check(isResetShutdown(rDown), `R should clear its storage and shut down ('backend-id-mismatch'): ${JSON.stringify(rDown)}`)
  check(isMismatchFailure(sDown), `S should shut down with a BackendIdMismatchError: ${JSON.stringify(sDown)}`)
  await Promise.all([r.shutdown(), s.shutdown()])

  r = await startClient('R2', { storage: 'fs', dataDir: dirR, onBackendIdMismatch: 'reset', clientId: 'R' })
  assertTable('R (restarted after reset)', await r.rows(), [])
  const fresh = await r.commit(2, 'new')
  await waitServerHead(2)
  const c = await startClient('C')
  await assertConverged([r, c], fresh)
  progress('R restarted empty, committed 2 events to the new backend; a fresh client C has exactly those')

  s = await startClient('S2', { storage: 'fs', dataDir: dirS, onBackendIdMismatch: 'shutdown', clientId: 'S' })
  const sBoot = await s.notice('ready')
  check(sBoot.rows === old.length, `S should boot with its ${old.length} stale rows, it had ${sBoot.rows}`)
  const sAgain = await s.notice('shutdown', 30000)
  progress(`S restarted with ${sBoot.rows} stale rows and shut down again (${JSON.stringify(sAgain)})`)
  check(isMismatchFailure(sAgain), `S should shut down again with a BackendIdMismatchError: ${JSON.stringify(sAgain)}`)
  await sleep(500)
  assertTable('C (after S came back)', await c.rows(), fresh)
  assertTable('R (after S came back)', await r.rows(), fresh)
  progress('S kept its stale rows to itself: R and C still have exactly the 2 new events')

  await Promise.all([r.shutdown(), c.shutdown(), s.shutdown()])
})
