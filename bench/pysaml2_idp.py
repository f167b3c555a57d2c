#!/usr/bin/python3
# pysaml2_idp.py — a SAML 2.0 identity provider on Debian's pysaml2 and the standard
# library, for `make bench-saml` (bench/saml.mjs): the same three steps as portier's, on the
# same paths, so that the same load generator drives both.
#
# Usage: pysaml2_idp.py --port N --key FILE --cert FILE --sp-metadata FILE
#   GET  /login, POST /login/password  a stand-in login: sets the session cookie (the people
#                                      log in before the measure, as at portier)
#   GET  /saml/sso                     HTTP-Redirect AuthnRequest (pysaml2 reads it) → 303
#                                      /saml/continue/ID
#   GET  /saml/continue/ID             the profile choice: a form with a CSRF field and a
#                                      select of two organisations
#   POST /saml/continue/ID             the signed Response (Response and Assertion, rsa-sha256,
#                                      sha256 digests: pysaml2 runs xmlsec1 for each) in an
#                                      HTTP-POST form to the ACS
# Listens on 127.0.0.1:N; "listening" on stderr when ready.
import argparse
import hashlib
import hmac
import html
import http.cookies
import secrets
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

SIG_RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'
DIGEST_SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256'
PAIRWISE_SECRET = secrets.token_bytes(32)
ORGS = {'1': ('0403170701', 'Pharma Test'), '2': ('0403170702', 'Medi Distribution')}


def make_server(base, key, cert, sp_metadata):
    conf = IdPConfig()
    conf.load({
        'entityid': f'{base}/saml/metadata',
        'key_file': key,
        'cert_file': cert,
        'xmlsec_binary': '/usr/bin/xmlsec1',
        'metadata': {'local': [sp_metadata]},
        'signing_algorithm': SIG_RSA_SHA256,
        'digest_algorithm': DIGEST_SHA256,
        'service': {'idp': {
            'endpoints': {'single_sign_on_service': [(f'{base}/saml/sso', BINDING_HTTP_REDIRECT)]},
            'name_id_format': [NAMEID_FORMAT_PERSISTENT],
            'policy': {'default': {'lifetime': {'minutes': 5}, 'name_form': NAME_FORMAT_URI,
                                   'sign': ['response', 'assertion']}},
        }},
    })
    return Server(config=conf)


class State:
    def __init__(self, base, key, cert, sp_metadata):
        self.idp = make_server(base, key, cert, sp_metadata)
        self.pending = {}     # id -> (request's response arguments, relay state, csrf)
        self.sessions = set()


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'   # keep-alive, as the load generator's agent wants

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, ctype='text/html; charset=utf-8', headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def logged_in(self):
        jar = http.cookies.SimpleCookie(self.headers.get('Cookie', ''))
        return 'idpsid' in jar and jar['idpsid'].value in self.server.state.sessions

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        st = self.server.state
        if url.path == '/login':
            return self.send(200, '<form><input type="hidden" name="_csrf" value="x"></form>')
        if url.path == '/saml/sso':
            if not self.logged_in():
                return self.send(403, 'not logged in', 'text/plain')
            q = dict(urllib.parse.parse_qsl(url.query))
            req = st.idp.parse_authn_request(q['SAMLRequest'], BINDING_HTTP_REDIRECT)
            args = st.idp.response_args(req.message, [BINDING_HTTP_POST])
            fid = secrets.token_urlsafe(32)
            st.pending[fid] = (args, q.get('RelayState'), secrets.token_urlsafe(32))
            return self.send(303, '', 'text/plain', [('Location', f'/saml/continue/{fid}')])
        if url.path.startswith('/saml/continue/'):
            p = st.pending.get(url.path.rsplit('/', 1)[1])
            if p is None:
                return self.send(404, 'no such request', 'text/plain')
            opts = ''.join(f'<option value="{k}">{html.escape(v[1])}</option>' for k, v in ORGS.items())
            return self.send(200, '<!DOCTYPE html><html lang="fr"><title>Profil</title><h1>Choisissez votre profil</h1>'
                             f'<form method="post"><input type="hidden" name="_csrf" value="{p[2]}">'
                             f'<select id="org" name="org">{opts}</select><button>OK</button></form></html>')
        return self.send(404, 'not found', 'text/plain')

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        st = self.server.state
        n = int(self.headers.get('Content-Length', '0'))
        if n > 1 << 16:
            return self.send(413, 'too large', 'text/plain')
        form = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode()))
        if url.path == '/login/password':
            sid = secrets.token_urlsafe(24)
            st.sessions.add(sid)
            return self.send(303, '', 'text/plain', [('Location', '/'),
                                                     ('Set-Cookie', f'idpsid={sid}; Path=/; HttpOnly')])
        if url.path.startswith('/saml/continue/'):
            p = st.pending.pop(url.path.rsplit('/', 1)[1], None)
            if p is None or not self.logged_in() or not hmac.compare_digest(form.get('_csrf', ''), p[2]):
                return self.send(403, 'refused', 'text/plain')
            args, relay, _ = p
            org = ORGS.get(form.get('org'), ORGS['1'])
            sub = hashlib.sha256(PAIRWISE_SECRET + args['sp_entity_id'].encode() + b'jan').hexdigest()
            identity = {'givenName': ['Jan'], 'sn': ['Peeters'], 'preferredLanguage': ['fr'],
                        'mail': ['jan@example.be'], 'o': [org[1]], 'organizationName': [org[1]],
                        'businessCategory': [org[0]], 'title': ['representative'],
                        'eduPersonEntitlement': ['MEDSEIP', 'TESTAPP', 'TESTONE']}
            resp = st.idp.create_authn_response(
                identity, userid='jan', name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=sub),
                authn={'class_ref': 'http://eidas.europa.eu/LoA/low', 'authn_instant': int(time.time())},
                sign_response=True, sign_assertion=True, sign_alg=SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA256, **args)
            http_args = st.idp.apply_binding(BINDING_HTTP_POST, str(resp), args['destination'],
                                             relay, response=True)
            return self.send(200, http_args['data'])
        return self.send(404, 'not found', 'text/plain')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--key', required=True)
    ap.add_argument('--cert', required=True)
    ap.add_argument('--sp-metadata', required=True)
    a = ap.parse_args()
    srv = ThreadingHTTPServer(('127.0.0.1', a.port), Handler)
    srv.daemon_threads = True
    srv.state = State(f'http://127.0.0.1:{a.port}', a.key, a.cert, a.sp_metadata)
    sys.stderr.write('listening\n')
    sys.stderr.flush()
    srv.serve_forever()


if __name__ == '__main__':
    main()
