// The web inspector in a real browser: headless Chromium (the Debian package) driven by playwright-core, against
// a running Eventsync server started with --admin-token, while a real LiveStore 0.4.0 client pushes.
//
// It opens /admin/, sees the store appear when the client pushes, opens it, sees the client among the live clients
// and the tail grow live, writes a screenshot, then deletes the store through the page's button (accepting the
// confirmation) and sees it leave the list. With EVENTSYNC_AWKWARD_STORE_ID (a store the caller pushed 2 events to,
// for example '..'), it then inspects that store, sees a refused reset reported on the page (the refusal is
// simulated), resets it (new backendId) and deletes it through the page.
//
// Arguments as for every scenario (see ../lib/harness.mjs): --url http://127.0.0.1:PORT --store-id ID.
// Environment: EVENTSYNC_ADMIN_TOKEN (required), EVENTSYNC_INSPECTOR_SCREENSHOT (a .png path, optional),
// EVENTSYNC_CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core'
import { check, fail, runScenario } from '../lib/harness.mjs'

const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run']

await runScenario('web inspector in headless Chromium', async ({ startClient, progress, serverUrl, storeId }) => {
  const token = process.env.EVENTSYNC_ADMIN_TOKEN
  if (!token) fail('EVENTSYNC_ADMIN_TOKEN is not set')
  const browser = await chromium.launch({
    executablePath: process.env.EVENTSYNC_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const pageErrors = []
    page.on('pageerror', (e) => pageErrors.push(String(e)))
    const dialogs = []
    page.on('dialog', (dialog) => {
      progress(`confirmation: ${dialog.message()}`)
      dialogs.push(dialog.message())
      dialog.accept()
    })
    // any request leaving the server (a CDN, fonts) fails the run
    const foreign = []
    page.on('request', (r) => {
      if (!r.url().startsWith(serverUrl) && !r.url().startsWith('data:')) foreign.push(r.url())
    })

    await page.goto(`${serverUrl}/admin/#token=${encodeURIComponent(token)}`)
    await page.getByTestId('status').filter({ hasText: 'connected' }).waitFor({ timeout: 15000 })
    check(!page.url().includes('token='), 'the token was removed from the address bar')
    const row = page.locator(`#stores tr[data-store-id="${storeId}"]`)
    check(await row.count() === 0, `store ${storeId} is not listed before a client pushed`)
    progress('inspector connected; the store is not there yet')

    const client = await startClient('A')
    await client.commit(3, 'first')
    await row.waitFor({ timeout: 15000 })
    await row.getByTestId('store-head').filter({ hasText: /^3$/ }).waitFor({ timeout: 15000 })
    progress('the store appeared with head 3 after the LiveStore client pushed')

    await row.getByTestId('inspect').click()
    await page.getByTestId('detail-store').filter({ hasText: storeId }).waitFor()
    await page.locator('[data-testid=tail-event][data-seq-num="3"]').waitFor({ timeout: 15000 })
    const clientRow = page.locator('#clients tr').filter({ hasText: 'ws' }).first()
    await clientRow.waitFor({ timeout: 15000 })
    check((await clientRow.textContent()).includes('A'), `the LiveStore client A is listed: ${await clientRow.textContent()}`)
    progress('the store shows its live client and the tail of its events')

    await client.commit(2, 'second')
    await page.locator('[data-testid=tail-event][data-seq-num="5"]').waitFor({ timeout: 15000 })
    const newest = await page.getByTestId('tail-event').first().textContent()
    check(newest.includes('"seqNum": 5') && newest.includes('second-'), `the newest tail entry is event 5: ${newest}`)
    await row.getByTestId('store-head').filter({ hasText: /^5$/ }).waitFor({ timeout: 15000 })
    progress('the tail updated live (events 4 and 5 with their JSON)')

    const screenshot = process.env.EVENTSYNC_INSPECTOR_SCREENSHOT
    if (screenshot) {
      await page.screenshot({ path: screenshot, fullPage: true })
      progress(`screenshot: ${screenshot}`)
    }

    // a connected client would create the store again at once; stop it first
    await client.shutdown()
    await page.getByTestId('delete').click()
    await row.waitFor({ state: 'detached', timeout: 15000 })
    await page.getByTestId('detail').waitFor({ state: 'hidden', timeout: 15000 })
    await page.waitForTimeout(1500) // two more polls: the store stays gone
    check(await row.count() === 0, `store ${storeId} is gone from the list after delete`)
    progress('deleted through the page; the store left the list')

    // a store whose id no URL path can carry ('..' is a valid store id; the test pushed 2 events to it): the page
    // inspects it, resets it (new backendId, no events) and deletes it
    const awkward = process.env.EVENTSYNC_AWKWARD_STORE_ID
    if (awkward) {
      const awkwardRow = page.locator(`#stores tr[data-store-id=${JSON.stringify(awkward)}]`)
      await awkwardRow.getByTestId('store-head').filter({ hasText: /^2$/ }).waitFor({ timeout: 15000 })
      const before = (await awkwardRow.getByTestId('store-backend-id').textContent()).trim()
      await awkwardRow.getByTestId('inspect').click()
      await page.getByTestId('detail-store').filter({ hasText: awkward }).waitFor()
      await page.locator('[data-testid=tail-event][data-seq-num="2"]').waitFor({ timeout: 15000 })
      progress(`store ${JSON.stringify(awkward)} inspected: head 2, its tail shows event 2`)
      // an action that fails says so on the page, and the message outlives the next polls: a plain-text refusal
      // (as a proxy or a CORS refusal answers) is simulated once for the reset
      await page.route((url) => url.pathname === '/admin/api/store/reset', (route) => route.fulfill({
        status: 403, contentType: 'text/plain', body: 'CORS Rejected - Invalid origin' }), { times: 1 })
      dialogs.length = 0
      await page.getByTestId('reset').click()
      const failure = page.getByTestId('action-result').filter({ hasText: 'failed' })
      await failure.waitFor({ timeout: 15000 })
      await page.waitForTimeout(1500) // two more polls
      const said = await failure.textContent()
      check(said.includes('Reset') && said.includes('HTTP 403') && said.includes('CORS Rejected'),
        `the failed reset is shown: ${said}`)
      check((await awkwardRow.getByTestId('store-head').textContent()).trim() === '2', 'the refused reset changed nothing')
      progress(`a failed reset is shown on the page: ${said}`)
      dialogs.length = 0
      await page.getByTestId('reset').click()
      await page.getByTestId('action-result').filter({ hasText: 'done' }).waitFor({ timeout: 15000 })
      await awkwardRow.getByTestId('store-head').filter({ hasText: /^0$/ }).waitFor({ timeout: 15000 })
      const after = (await awkwardRow.getByTestId('store-backend-id').textContent()).trim()
      check(dialogs.length === 1 && dialogs[0].includes(`Reset store "${awkward}"`), `reset asked first: ${dialogs}`)
      check(after !== before && after.length > 0, `reset gave a new backendId: ${before} -> ${after}`)
      progress(`reset ${JSON.stringify(awkward)} through the page: head 0, new backendId ${after}`)
      await page.getByTestId('delete').click()
      await awkwardRow.waitFor({ state: 'detached', timeout: 15000 })
      check(dialogs.length === 2 && dialogs[1].includes(`Delete store "${awkward}"`), `delete asked first: ${dialogs}`)
      progress(`deleted ${JSON.stringify(awkward)} through the page; it left the list`)
    }

    check(pageErrors.length === 0, `no script errors in the page: ${pageErrors.join('; ')}`)
    check(foreign.length === 0, `the page loaded nothing from elsewhere: ${foreign.join(', ')}`)
  } finally {
    await browser.close()
  }
})
