// saml_lib.js — a SAML 2.0 service provider played by the tests (saml.test.js): its
// metadata (optionally with a signing certificate made by openssl), AuthnRequests built
// here (DEFLATE + base64 for HTTP-Redirect, base64 for HTTP-POST, RSA-SHA256 signatures
// with node's crypto for Redirect), and the Response read back and checked with
// `xmlsec1 --verify` (Debian's xmlsec1).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSign, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

export const NS_MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
export const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
export const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
export const ARTIFACT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact';
export const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
export const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';

const dir = mkdtempSync(path.join(os.tmpdir(), 'portier-saml-'));

/** An RSA key and self-signed certificate made by openssl: { key, cert, certB64 }. */
export function makeKey(name) {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', `/CN=${name}`], { stdio: 'ignore' });
  const pem = readFileSync(cert, 'utf8');
  return {
    key: readFileSync(key, 'utf8'), cert: pem, keyFile: key, certFile: cert,
    certB64: pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''),
  };
}

/** An SP's metadata: entityID, ACS locations (HTTP-POST), optional signing cert and
 * AuthnRequestsSigned; encCert: an encryption key (KeyDescriptor use="encryption", or
 * without use when encUse is null). */
export function spMetadata({ entityId, acs, cert, wantSigned = false, extra = '', artifactAcs = [], slo, sloBinding = REDIRECT,
  encCert, encUse = 'encryption' }) {
  const keyInfo = (c) => `<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${c.certB64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`;
  const kd = (cert ? `<md:KeyDescriptor use="signing">${keyInfo(cert)}</md:KeyDescriptor>` : '') +
    (encCert ? `<md:KeyDescriptor${encUse ? ` use="${encUse}"` : ''}>${keyInfo(encCert)}</md:KeyDescriptor>` : '');
  const acsXml = acs.map((u, i) => `<md:AssertionConsumerService Binding="${POST}" Location="${u}" index="${i}"${i === 0 ? ' isDefault="true"' : ''}/>`).join('') +
    artifactAcs.map((u, i) => `<md:AssertionConsumerService Binding="${ARTIFACT}" Location="${u}" index="${acs.length + i}"/>`).join('');
  return `${extra}<md:EntityDescriptor xmlns:md="${NS_MD}" entityID="${entityId}">` +
    `<md:SPSSODescriptor AuthnRequestsSigned="${wantSigned}" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `${kd}${slo ? `<md:SingleLogoutService Binding="${sloBinding}" Location="${slo}"/>` : ''}<md:NameIDFormat>${PERSISTENT}</md:NameIDFormat>${acsXml}</md:SPSSODescriptor></md:EntityDescriptor>`;
}

/** Writes text to a file of the test's folder; returns its path. */
export function writeTemp(name, text) {
  const f = process.env.SAML_DUMP && name === 'dump.xml' ? '/tmp/samlt/dump.xml' : path.join(dir, name);
  writeFileSync(f, text);
  return f;
}

/** The xs:dateTime of a Date. */
export function iso(d = new Date()) {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** An AuthnRequest's XML; returns { id, xml }. */
/** An AuthnRequest; format null leaves NameIDPolicy out (as pysaml2 does by default). */
export function authnRequest({ issuer, acs, destination, id = `_${randomBytes(16).toString('hex')}`,
  instant = new Date(), format = PERSISTENT, forceAuthn = false, classRef, inner = '', binding = POST }) {
  const ctx = classRef ? `<samlp:RequestedAuthnContext><saml:AuthnContextClassRef>${classRef}</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>` : '';
  const xml = '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ' +
    'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ' +
    `ID="${id}" Version="2.0" IssueInstant="${iso(instant)}" Destination="${destination}" ` +
    (acs ? `AssertionConsumerServiceURL="${acs}" ` : '') +
    `ProtocolBinding="${binding}"${forceAuthn ? ' ForceAuthn="true"' : ''}>` +
    `<saml:Issuer>${issuer}</saml:Issuer>${inner}` +
    `${format ? `<samlp:NameIDPolicy Format="${format}" AllowCreate="true"/>` : ''}${ctx}</samlp:AuthnRequest>`;
  return { id, xml };
}

/** The query of an HTTP-Redirect AuthnRequest (signed with key's RSA-SHA256 when given).
 * raw: the bytes to deflate (a string or Buffer) as they are. */
export function redirectQuery(xml, { relayState, key, rawDeflated } = {}) {
  const enc = (s) => encodeURIComponent(s);
  const deflated = rawDeflated ?? deflateRawSync(Buffer.from(xml, 'utf8'));
  let q = `SAMLRequest=${enc(deflated.toString('base64'))}`;
  if (relayState !== undefined) q += `&RelayState=${enc(relayState)}`;
  if (key) {
    q += `&SigAlg=${enc('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256')}`;
    const s = createSign('RSA-SHA256');
    s.update(q);
    q += `&Signature=${enc(s.sign(key.key).toString('base64'))}`;
  }
  return q;
}

/** The HTTP-POST form the Response page carries: { action, response (XML), relayState }. */
export function postForm(html) {
  const unesc = (s) => s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const action = /<form method="post" action="([^"]+)" id="saml-post">/.exec(html);
  const resp = /name="SAMLResponse" value="([^"]+)"/.exec(html);
  assert.ok(action && resp, `no SAML POST form on the page: ${html.slice(0, 400)}`);
  const relay = /name="RelayState" value="([^"]*)"/.exec(html);
  return {
    action: unesc(action[1]),
    b64: unesc(resp[1]),
    response: Buffer.from(unesc(resp[1]), 'base64').toString('utf8'),
    relayState: relay ? unesc(relay[1]) : undefined,
  };
}

/** Whether xmlsec1 verifies the signature of the Response's Assertion with the PEM
 * certificate cert (a string): true or false. */
export function xmlsecVerify(xml, certPem, node = 'Assertion') {
  const f = writeTemp(`resp-${randomBytes(4).toString('hex')}.xml`, xml);
  const c = writeTemp(`idp-${randomBytes(4).toString('hex')}.crt`, certPem);
  try {
    execFileSync('xmlsec1', ['--verify', '--pubkey-cert-pem', c,
      '--id-attr:ID', `urn:oasis:names:tc:SAML:2.0:assertion:Assertion`,
      '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:protocol:Response',
      '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:protocol:ArtifactResponse',
      '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor',
      '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:protocol:LogoutRequest',
      '--node-xpath', `//*[local-name()='${node}']/*[local-name()='Signature']`, f],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    return true;
  } catch {
    return false;
  }
}

/** The Response xml with its EncryptedAssertion decrypted by `xmlsec1 --decrypt` with the
 * private key of key (an object of makeKey); null when xmlsec1 cannot. */
export function xmlsecDecrypt(xml, key) {
  const f = writeTemp(`enc-${randomBytes(4).toString('hex')}.xml`, xml);
  try {
    return execFileSync('xmlsec1', ['--decrypt', '--privkey-pem', key.keyFile, f],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return null;
  }
}

/** The values of attribute name (its Name) in a Response. */
export function attrValues(xml, name) {
  const re = new RegExp(`<saml:Attribute Name="${name.replace(/[.:]/g, (c) => `\\${c}`)}"[^>]*>([\\s\\S]*?)</saml:Attribute>`);
  const m = re.exec(xml);
  if (!m) return [];
  return [...m[1].matchAll(/<saml:AttributeValue[^>]*>([^<]*)<\/saml:AttributeValue>/g)].map((x) => x[1]);
}

/** The certificates (PEM) of the IdP's metadata, in order. */
export function metadataCerts(md) {
  return [...md.matchAll(/<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/g)]
    .map((m) => `-----BEGIN CERTIFICATE-----\n${m[1].match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`);
}

/** xml (an AuthnRequest whose ID is id) signed with key (enveloped, rsa-sha256, exclusive
 * c14n) by `xmlsec1 --sign`, the signature after the Issuer as SAML's schema places it. */
export function signXml(xml, id, key, element = 'urn:oasis:names:tc:SAML:2.0:protocol:AuthnRequest') {
  const tpl = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>' +
    '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>' +
    '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>' +
    `<ds:Reference URI="#${id}"><ds:Transforms>` +
    '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>' +
    '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>' +
    '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue></ds:DigestValue>' +
    '</ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue></ds:Signature>';
  const f = writeTemp(`req-${randomBytes(4).toString('hex')}.xml`, xml.replace('</saml:Issuer>', `</saml:Issuer>${tpl}`));
  return execFileSync('xmlsec1', ['--sign', '--privkey-pem', key.keyFile,
    '--id-attr:ID', element, f], { encoding: 'utf8' })
    .replace(/^<\?xml[^>]*>\s*/, '');
}

/** A SOAP ArtifactResolve of issuer for artifact (signed with key when given). */
export function artifactResolve({ issuer, artifact, destination, key }) {
  const id = `_${randomBytes(16).toString('hex')}`;
  let req = '<samlp:ArtifactResolve xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ' +
    `xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${iso()}" ` +
    `Destination="${destination}"><saml:Issuer>${issuer}</saml:Issuer>` +
    `<samlp:Artifact>${artifact}</samlp:Artifact></samlp:ArtifactResolve>`;
  if (key) req = signXml(req, id, key, 'urn:oasis:names:tc:SAML:2.0:protocol:ArtifactResolve');
  return `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${req}</soap:Body></soap:Envelope>`;
}

/** A LogoutRequest's XML for nameId; returns { id, xml }. */
export function logoutRequest({ issuer, nameId, destination, instant = new Date(), format = PERSISTENT }) {
  const id = `_${randomBytes(16).toString('hex')}`;
  const xml = '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ' +
    `xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${iso(instant)}" ` +
    `Destination="${destination}"><saml:Issuer>${issuer}</saml:Issuer>` +
    `<saml:NameID Format="${format}">${nameId}</saml:NameID></samlp:LogoutRequest>`;
  return { id, xml };
}

/** The XML of a Redirect binding's SAMLResponse in url (inflated). */
export function redirectMessage(url) {
  return inflateRawSync(Buffer.from(new URL(url).searchParams.get('SAMLResponse'), 'base64')).toString('utf8');
}
