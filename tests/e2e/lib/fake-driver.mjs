#!/usr/bin/env node
// A stand-in for tauri-driver in the harness's own tests (specs/harness.test.mjs): it breaks the way
// a real driver was seen to break. FAKE_DRIVER_MODE=exit: answers /status once, then exits;
// hang: answers /status once, then accepts connections and never answers.
import { createServer } from 'node:http';

const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
const mode = process.env.FAKE_DRIVER_MODE ?? 'hang';
let answered = 0;
const server = createServer((req, res) => {
  if (answered++ === 0) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"value":{"ready":true}}');
    if (mode === 'exit') setTimeout(() => process.exit(3), 50);
    return;
  }
  // hang: never answer
});
server.listen(port, '127.0.0.1');
