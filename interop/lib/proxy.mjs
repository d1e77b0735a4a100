// A WebSocket- and HTTP-aware proxy between LiveStore clients and the sync server, under the scenario's control.
//
// It records every message in both directions (for diagnosis and for byte counts), and it can take a client
// offline (close its sockets and refuse new ones), drop connections so the client must reconnect, and hold
// server-to-client messages back for a while (to make a client push on a head it has not seen yet).
import { createServer } from 'node:http'
import { WebSocket, WebSocketServer } from 'ws'

export const startProxy = async ({ target, name = 'proxy', log = () => {} }) => {
  const upstreamBase = new URL(target)
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  const pairs = new Set()
  const frames = []
  const started = Date.now()
  let online = true
  let holding = false
  const held = []
  let downstreamBytes = 0

  const record = (dir, text) => {
    frames.push({ t: Date.now() - started, dir, text })
    log(`${name} ${dir} ${text.length > 400 ? `${text.slice(0, 400)}…(${text.length} chars)` : text}`)
  }

  const deliverDown = (pair, text) => {
    downstreamBytes += Buffer.byteLength(text)
    record('down', text)
    if (pair.client.readyState === WebSocket.OPEN) pair.client.send(text)
  }

  const server = createServer(async (req, res) => {
    if (!online) {
      req.socket.destroy()
      return
    }
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const body = Buffer.concat(chunks)
    record('http-up', `${req.method} ${req.url} ${body.toString('utf8')}`)
    try {
      const headers = { ...req.headers }
      delete headers.host
      delete headers['content-length']
      const response = await fetch(new URL(req.url, upstreamBase), {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      })
      const text = await response.text()
      downstreamBytes += Buffer.byteLength(text)
      record('http-down', `${response.status} ${text}`)
      if (!online) {
        req.socket.destroy()
        return
      }
      res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/plain' })
      res.end(text)
    } catch (e) {
      record('info', `upstream HTTP failed: ${e.message}`)
      res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`proxy: upstream failed: ${e.message}`)
    }
  })

  server.on('upgrade', (req, socket, head) => {
    if (!online) {
      record('info', `refused a WebSocket connection (offline): ${req.url}`)
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (client) => {
      const upstreamUrl = new URL(req.url, upstreamBase)
      upstreamUrl.protocol = upstreamBase.protocol === 'https:' ? 'wss:' : 'ws:'
      const upstream = new WebSocket(upstreamUrl, { perMessageDeflate: false })
      const pair = { client, upstream, pending: [] }
      pairs.add(pair)
      record('info', `client connected: ${req.url}`)
      upstream.on('open', () => {
        for (const text of pair.pending) upstream.send(text)
        pair.pending = []
      })
      client.on('message', (data) => {
        const text = data.toString('utf8')
        record('up', text)
        if (upstream.readyState === WebSocket.OPEN) upstream.send(text)
        else pair.pending.push(text)
      })
      upstream.on('message', (data) => {
        const text = data.toString('utf8')
        if (holding) held.push({ pair, text })
        else deliverDown(pair, text)
      })
      const closeBoth = (who) => (code, reason) => {
        record('info', `${who} closed (${code} ${reason ?? ''})`)
        pairs.delete(pair)
        for (const socket of [client, upstream]) {
          if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.terminate()
        }
      }
      client.on('close', closeBoth('client'))
      upstream.on('close', closeBoth('server'))
      client.on('error', (e) => record('info', `client socket error: ${e.message}`))
      upstream.on('error', (e) => record('info', `server socket error: ${e.message}`))
    })
  })

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = server.address().port

  return {
    port,
    frames,
    /** Bytes of server-to-client messages delivered so far. */
    downstreamBytes: () => downstreamBytes,
    /** Abruptly drops every WebSocket connection (no close frame), like a network failure. */
    dropConnections() {
      record('info', `dropping ${pairs.size} connection(s)`)
      for (const pair of [...pairs]) {
        pair.client.terminate()
        pair.upstream.terminate()
      }
    },
    /** Offline: drops all connections and refuses new ones until set online again. */
    setOnline(value) {
      online = value
      record('info', value ? 'online' : 'offline')
      if (!value) this.dropConnections()
    },
    /** While holding, server-to-client messages are kept back; releasing delivers them in order. */
    holdDownstream(value) {
      holding = value
      record('info', value ? 'holding server-to-client messages' : `releasing ${held.length} held message(s)`)
      if (!value) {
        for (const { pair, text } of held.splice(0)) deliverDown(pair, text)
      }
    },
    /** The server-to-client messages currently held back, oldest first. */
    heldMessages: () => held.map(({ text }) => text),
    connectionCount: () => pairs.size,
    async close() {
      for (const pair of [...pairs]) {
        pair.client.terminate()
        pair.upstream.terminate()
      }
      wss.close()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
