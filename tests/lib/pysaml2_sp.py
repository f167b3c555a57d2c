#!/usr/bin/python3
# pysaml2_sp.py — a small SAML 2.0 service provider on Debian's pysaml2 and the standard
# library, for the browser test tests/browser/saml_pysaml2.test.js (issue 14 part 4).
#
# Usage: pysaml2_sp.py --port N --dir DIR --idp-metadata FILE
# DIR holds sp.key and sp.crt (made by the test with openssl). Listens on 127.0.0.1:N.
#   GET /metadata              the SP's metadata (AuthnRequestsSigned, both ACS, SLO Redirect)
#   GET /app[?binding=artifact] protected: without a session, an AuthnRequest by Redirect
#                              (signed) asking the Response by HTTP-POST or HTTP-Artifact
#   POST /acs/post             ACS, HTTP-POST
#   GET /acs/artifact          ACS, HTTP-Artifact: ArtifactResolve over SOAP to the IdP
#   GET /logout                SLO started here: a signed LogoutRequest by Redirect
#   GET /slo                   the IdP's LogoutResponse (Redirect)
# The page /app prints what was received as "name=value" lines.
import argparse
import base64
import html
import http.cookies
import logging
import secrets
import sys
import threading
import urllib.parse
import xml.dom.minidom
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from saml2 import BINDING_HTTP_ARTIFACT, BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.response import LogoutResponse
from saml2.saml import NAMEID_FORMAT_PERSISTENT

SIG_RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'
DIGEST_SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256'


def make_client(base, folder, idp_metadata):
    conf = SPConfig()
    conf.load({
        'entityid': f'{base}/metadata',
        'key_file': f'{folder}/sp.key',
        'cert_file': f'{folder}/sp.crt',
        'xmlsec_binary': '/usr/bin/xmlsec1',
        'metadata': {'local': [idp_metadata]},
        'allow_unknown_attributes': True,
        'signing_algorithm': SIG_RSA_SHA256,
        'digest_algorithm': DIGEST_SHA256,
        'service': {'sp': {
            'endpoints': {
                'assertion_consumer_service': [
                    (f'{base}/acs/post', BINDING_HTTP_POST),
                    (f'{base}/acs/artifact', BINDING_HTTP_ARTIFACT),
                ],
                'single_logout_service': [(f'{base}/slo', BINDING_HTTP_REDIRECT)],
            },
            'name_id_format': [NAMEID_FORMAT_PERSISTENT],
            'authn_requests_signed': True,
            'logout_requests_signed': True,
            'want_assertions_signed': True,
            'want_response_signed': True,
            'allow_unsolicited': False,
        }},
    })
    return conf, Saml2Client(conf)


class State:
    def __init__(self, base, folder, idp_metadata):
        self.base = base
        self.conf, self.client = make_client(base, folder, idp_metadata)
        self.idp = next(iter(self.client.metadata.identity_providers()))
        self.metadata = create_metadata_string(None, config=self.conf, sign=False)
        self.outstanding = {}   # AuthnRequest ID -> the page asked
        self.sessions = {}      # cookie -> what the IdP said
        self.lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    server_version = 'pysaml2-test-sp'

    def log_message(self, fmt, *args):
        sys.stderr.write('sp: ' + (fmt % args) + '\n')

    def send(self, status, body, ctype='text/html; charset=utf-8', headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def redirect(self, location, headers=()):
        self.send(303, '', 'text/plain', [('Location', location), *headers])

    def session(self):
        jar = http.cookies.SimpleCookie(self.headers.get('Cookie', ''))
        sid = jar['spsid'].value if 'spsid' in jar else None
        return sid, self.server.state.sessions.get(sid)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        st = self.server.state
        try:
            with st.lock:
                if url.path == '/metadata':
                    return self.send(200, st.metadata, 'application/samlmetadata+xml')
                if url.path == '/app':
                    return self.app(q)
                if url.path == '/acs/artifact':
                    return self.artifact(q)
                if url.path == '/logout':
                    return self.logout()
                if url.path == '/slo':
                    return self.slo(q)
                if url.path == '/bye':
                    return self.send(200, '<!DOCTYPE html><html lang="en"><title>bye</title><h1>Logged out</h1></html>')
            return self.send(404, 'not found', 'text/plain')
        except Exception as exc:  # the test reads the reason on the page
            logging.exception('sp')
            return self.send(500, f'SP error: {type(exc).__name__}: {exc}', 'text/plain')

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        st = self.server.state
        try:
            n = int(self.headers.get('Content-Length', '0'))
            if n > 1 << 20:
                return self.send(413, 'too large', 'text/plain')
            form = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode()))
            with st.lock:
                if url.path == '/acs/post':
                    resp = st.client.parse_authn_request_response(
                        form.get('SAMLResponse', ''), BINDING_HTTP_POST, st.outstanding)
                    return self.logged_in(resp, 'HTTP-POST', form.get('RelayState'))
            return self.send(404, 'not found', 'text/plain')
        except Exception as exc:
            logging.exception('sp')
            return self.send(500, f'SP error: {type(exc).__name__}: {exc}', 'text/plain')

    def app(self, q):
        st = self.server.state
        _, sess = self.session()
        if sess is None:
            binding = BINDING_HTTP_ARTIFACT if q.get('binding') == 'artifact' else BINDING_HTTP_POST
            reqid, info = st.client.prepare_for_authenticate(
                entityid=st.idp, relay_state='/app', binding=BINDING_HTTP_REDIRECT,
                response_binding=binding, sign=True,
                sigalg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
            st.outstanding[reqid] = '/app'
            location = dict(info['headers'])['Location']
            return self.redirect(location)
        lines = [f'binding={sess["binding"]}', f'name_id={sess["name_id"].text}',
                 f'name_id_format={sess["name_id"].format}', f'issuer={sess["issuer"]}']
        for name in sorted(sess['ava']):
            for value in sess['ava'][name]:
                lines.append(f'{name}={value}')
        body = ('<!DOCTYPE html><html lang="en"><title>pysaml2 SP</title><h1>pysaml2 SP</h1><pre id="attrs">' +
                html.escape('\n'.join(lines)) + '</pre><p><a href="/logout">Logout</a></p></html>')
        return self.send(200, body)

    def logged_in(self, resp, how, relay):
        st = self.server.state
        if resp is None:
            return self.send(403, 'no valid response', 'text/plain')
        st.outstanding.pop(resp.in_response_to, None)
        sid = secrets.token_urlsafe(24)
        st.sessions[sid] = {'binding': how, 'name_id': resp.name_id, 'ava': resp.ava,
                            'issuer': resp.issuer()}
        target = relay if relay and relay.startswith('/') and not relay.startswith('//') else '/app'
        return self.redirect(target, [('Set-Cookie', f'spsid={sid}; Path=/; HttpOnly; SameSite=Lax')])

    def artifact(self, q):
        st = self.server.state
        art = q.get('SAMLart', '')
        # ArtifactResolve over SOAP (signed, the SP's key) to the address the artifact's
        # source ID and endpoint index designate in the IdP's metadata.
        http_resp = st.client.artifact2message(art, 'idpsso', sign=True,
                                               sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
        if http_resp.status_code != 200:
            return self.send(502, f'artifact resolution: HTTP {http_resp.status_code}', 'text/plain')
        # The Response travels inside the ArtifactResponse: pysaml2 checks its signatures (the
        # Response's and the Assertion's) once it is taken out of the SOAP envelope with the
        # namespace declarations it inherits (exclusive c14n makes them independent of that
        # serialisation; pysaml2's own parse_artifact_resolve_response re-serialises the
        # element with other prefixes, which breaks them). The ArtifactResponse's own
        # signature is not checked here: it came back on the connection the SP opened.
        inner = extract_response(http_resp.text)
        if inner is None:
            return self.send(403, 'ArtifactResponse without a Response', 'text/plain')
        resp = st.client.parse_authn_request_response(
            base64.b64encode(inner.encode()).decode(), BINDING_HTTP_ARTIFACT, st.outstanding)
        return self.logged_in(resp, 'HTTP-Artifact', q.get('RelayState'))

    def logout(self):
        st = self.server.state
        sid, sess = self.session()
        if sess is None:
            return self.redirect('/bye')
        result = st.client.global_logout(sess['name_id'], sign=True, sign_alg=SIG_RSA_SHA256,
                                         digest_alg=DIGEST_SHA256)
        del st.sessions[sid]
        clear = ('Set-Cookie', 'spsid=; Path=/; Max-Age=0')
        for _, (binding, info) in result.items():
            if binding == BINDING_HTTP_REDIRECT:
                return self.redirect(dict(info['headers'])['Location'], [clear])
        return self.send(500, f'no Redirect SLO: {result!r}', 'text/plain', [clear])

    def slo(self, q):
        st = self.server.state
        if 'SAMLResponse' not in q:
            return self.send(400, 'SAMLResponse expected', 'text/plain')
        resp = st.client.parse_logout_request_response(q['SAMLResponse'], BINDING_HTTP_REDIRECT)
        if resp is None or not isinstance(resp, LogoutResponse):
            return self.send(403, 'bad LogoutResponse', 'text/plain')
        st.client.handle_logout_response(resp)
        status = resp.response.status.status_code.value
        if not status.endswith(':Success'):
            return self.send(403, f'logout status {status}', 'text/plain')
        return self.redirect('/bye')


def extract_response(soap):
    """The samlp:Response element of an ArtifactResponse, as text, with the namespace
    declarations it inherits from its ancestors copied onto it."""
    doc = xml.dom.minidom.parseString(soap.encode())
    found = doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:protocol', 'Response')
    if not found:
        return None
    el = found[0]
    node = el.parentNode
    while node is not None and node.nodeType == node.ELEMENT_NODE:
        for i in range(node.attributes.length):
            a = node.attributes.item(i)
            if (a.name == 'xmlns' or a.name.startswith('xmlns:')) and not el.hasAttribute(a.name):
                el.setAttribute(a.name, a.value)
        node = node.parentNode
    return el.toxml()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--dir', required=True)
    ap.add_argument('--idp-metadata', required=True)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    base = f'http://127.0.0.1:{args.port}'
    srv = ThreadingHTTPServer(('127.0.0.1', args.port), Handler)
    srv.state = State(base, args.dir, args.idp_metadata)
    print(f'ready {base}', flush=True)
    srv.serve_forever()


if __name__ == '__main__':
    main()
