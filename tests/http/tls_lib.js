// tls_lib.js — what the TLS listener tests share (tls_suites, eid_pkcs1, eid_signature):
// `openssl s_client` against the listener, with a protocol, cipher suites, a client
// certificate and the signature algorithms the client may use, and one HTTP request.
import { spawn } from 'node:child_process';

import { PATIENCE } from '../lib/server.js';

/**
 * One connection with `openssl s_client` to 127.0.0.1:port; args are s_client's options
 * (-tls1_2, -cipher, -cert/-key, -client_sigalgs …); request (optional) is sent once the
 * handshake is done. Resolves { protocol, cipher, emsYes, status, response, output }:
 * protocol and cipher null when no session was made, status the HTTP status or null.
 */
export function sclient(port, args, request = null) {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`,
      '-servername', 'localhost', '-ign_eof', '-nocommands', ...args],
    { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('latin1');
    child.stderr.setEncoding('latin1');
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), PATIENCE);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', () => {
      clearTimeout(timer);
      const m = /New, (TLSv[\d.]+|\(NONE\)), Cipher is (\S+)/.exec(out);
      const session = m && m[2] !== '(NONE)';
      const proto = /Protocol\s*:\s*(TLSv[\d.]+)/.exec(out);
      const http = /^HTTP\/1\.[01] (\d{3})/m.exec(out);
      resolve({
        protocol: session ? (proto ? proto[1] : m[1]) : null,
        cipher: session ? m[2] : null,
        emsYes: /Extended master secret: yes/.test(out),
        status: http ? Number(http[1]) : null,
        response: http ? Buffer.from(out.slice(http.index), 'latin1').toString('utf8') : '',
        output: out,
      });
    });
    child.stdin.end(request ?? '');
  });
}

/** A GET request line and headers for s_client (CRLF, connection closed after). */
export function get(pathname, headers = {}) {
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return `GET ${pathname} HTTP/1.1\r\nHost: localhost\r\n${extra}Connection: close\r\n\r\n`;
}

/** The cookies set by a raw HTTP response (name -> value). */
export function setCookies(response) {
  const jar = {};
  for (const m of response.matchAll(/^Set-Cookie: ([^=;\r\n]+)=([^;\r\n]*)/gmi)) jar[m[1]] = m[2];
  return jar;
}
