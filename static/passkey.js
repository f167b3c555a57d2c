// passkey.js — the passkey forms (data-passkey="create" or "get"): asks the server for the
// options (data-options-url, with the form's CSRF token) or reads them (data-options),
// calls the browser's WebAuthn API, puts the answer in the form's fields and sends it.
// Every other door of the site works without JavaScript; these say they need it.
(function () {
  'use strict';

  function fromB64url(s) {
    const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
    const out = new Uint8Array(b.length);
    for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
    return out.buffer;
  }

  function toB64url(buf) {
    const bytes = new Uint8Array(buf);
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // The options as the server writes them (base64url) into what the API takes (buffers).
  function decode(o) {
    o.challenge = fromB64url(o.challenge);
    if (o.user) o.user.id = fromB64url(o.user.id);
    for (const list of [o.excludeCredentials, o.allowCredentials]) {
      for (const c of list || []) c.id = fromB64url(c.id);
    }
    return o;
  }

  function set(form, name, value) {
    const f = form.elements.namedItem(name);
    if (f) f.value = value;
  }

  async function options(form) {
    if (form.dataset.options) return JSON.parse(form.dataset.options);
    const body = new URLSearchParams({ _csrf: form.elements.namedItem('_csrf').value });
    const res = await fetch(form.dataset.optionsUrl, {
      method: 'POST', body, credentials: 'same-origin',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (!res.ok) throw new Error(`options: ${res.status}`);
    return res.json();
  }

  async function run(form) {
    const publicKey = decode(await options(form));
    if (form.dataset.passkey === 'create') {
      const cred = await navigator.credentials.create({ publicKey });
      set(form, 'clientDataJSON', toB64url(cred.response.clientDataJSON));
      set(form, 'attestationObject', toB64url(cred.response.attestationObject));
      const t = typeof cred.response.getTransports === 'function' ? cred.response.getTransports() : [];
      set(form, 'transports', t.join(','));
    } else {
      const cred = await navigator.credentials.get({ publicKey });
      set(form, 'credentialId', toB64url(cred.rawId));
      set(form, 'clientDataJSON', toB64url(cred.response.clientDataJSON));
      set(form, 'authenticatorData', toB64url(cred.response.authenticatorData));
      set(form, 'signature', toB64url(cred.response.signature));
      set(form, 'userHandle', cred.response.userHandle ? toB64url(cred.response.userHandle) : '');
    }
    form.submit();
  }

  function say(form, text) {
    const status = form.querySelector('[data-passkey-status]');
    if (!status) return;
    status.textContent = text;
    status.hidden = false;
  }

  for (const form of document.querySelectorAll('form[data-passkey]')) {
    if (!window.PublicKeyCredential || !navigator.credentials) {
      say(form, form.dataset.unsupported);
      continue;
    }
    let busy = false;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (busy) return;
      busy = true;
      run(form).catch(() => {
        busy = false;
        say(form, form.dataset.failed);
      });
    });
  }
}());
