// body_limits.mjs — the load of bench/body_limits.sh: N concurrent POSTs of SIZE bytes
// each (Content-Length declared, the whole body written as fast as the server takes it)
// to a route that takes 64 KiB; counts how each ended. Prints one JSON line.
// Usage: node body_limits.mjs PORT [N] [SIZE] [PATH]
import net from 'node:net';

const port = Number(process.argv[2]);
const n = Number(process.argv[3] ?? 500);
const size = Number(process.argv[4] ?? 10 * 1024 * 1024);
const path = process.argv[5] ?? '/login/password';
const piece = Buffer.alloc(1 << 20, 'a');

function post() {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let status = null;
    let sent = 0;
    let done = false;
    const finish = (how) => {
      if (done) return;
      done = true;
      sock.destroy();
      resolve({ status, how, sent });
    };
    const pump = () => {
      while (sent < size && !done) {
        const chunk = size - sent >= piece.length ? piece : piece.subarray(0, size - sent);
        sent += chunk.length;
        if (!sock.write(chunk)) {
          sock.once('drain', pump);
          return;
        }
      }
    };
    sock.on('connect', () => {
      sock.write(`POST ${path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n`
        + `Content-Length: ${size}\r\n\r\n`);
      pump();
    });
    sock.on('data', (d) => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(d.toString('latin1'));
      if (m && status === null) status = Number(m[1]);
      finish('answered');
    });
    sock.on('error', () => finish('error'));
    sock.on('close', () => finish('closed'));
    setTimeout(() => finish('timeout'), 120000);
  });
}

const t0 = Date.now();
const results = await Promise.all(Array.from({ length: n }, post));
const by = {};
for (const r of results) {
  const k = `${r.status ?? '-'} ${r.how}`;
  by[k] = (by[k] ?? 0) + 1;
}
const mib = results.reduce((a, r) => a + r.sent, 0) / (1 << 20);
console.log(JSON.stringify({ requests: n, size, path, outcomes: by, client_wrote_mib: Math.round(mib), ms: Date.now() - t0 }));
