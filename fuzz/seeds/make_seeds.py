#!/usr/bin/env python3
# make_seeds.py — writes the seed corpora of fuzz/corpus/NAME from the repository's own
# files and a few hand-made inputs; the JWS seeds are signed with the key of fuzz_key.h.
# Run from the repository root: python3 fuzz/seeds/make_seeds.py (needs msgfmt, openssl and
# python3-cryptography). The corpora are committed; run again only to change them (the
# signatures and the certificate come out different at each run).
import base64, glob, json, os, re, subprocess, sys, tempfile, urllib.parse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

ROOT = os.getcwd()
C = os.path.join(ROOT, "fuzz", "corpus")


def put(target, name, data):
    d = os.path.join(C, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def fixed_key():
    text = open(os.path.join(ROOT, "fuzz", "fuzz_key.h")).read()
    body = text[text.index("{") + 1:text.index("}")]
    der = bytes(int(x, 16) for x in re.findall(r"0x([0-9a-f]{2})", body))
    return serialization.load_der_private_key(der, None)


def sign(key, header, payload):
    inp = b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(payload).encode())
    der = key.sign(inp.encode(), ec.ECDSA(hashes.SHA256()))
    r, s = utils.decode_dss_signature(der)
    return inp + "." + b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big")), der


def jwk_of(key, kid=True):
    n = key.public_key().public_numbers()
    j = {"kty": "EC", "crv": "P-256", "x": b64u(n.x.to_bytes(32, "big")),
         "y": b64u(n.y.to_bytes(32, "big"))}
    canon = json.dumps({"crv": "P-256", "kty": "EC", "x": j["x"], "y": j["y"]},
                       separators=(",", ":"))
    d = hashes.Hash(hashes.SHA256())
    d.update(canon.encode())
    if kid:
        j.update(kid=b64u(d.finalize()), use="sig", alg="ES256")
    return j


def forms():
    qs = ["a=1&b=2", "name=J%C3%A9r%C3%B4me+Dupont&csrf=abc", "x=%zz", "=&&=v&k",
          "q=caf%C3%A9%20cr%C3%A8me&page=2&sort=name", "a=%FF", "a=" + "b" * 600]
    for i, q in enumerate(qs):
        put("fuzz_urlencoded", "q%d" % i, q)
    b = "----portierX"
    body = ("--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n"
            "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\nNISS,Name\r\n1,2\r\n--%s--\r\n") % (b, b, b)
    put("fuzz_multipart", "m0", "multipart/form-data; boundary=%s\n%s" % (b, body))
    put("fuzz_multipart", "m1", "multipart/form-data; boundary=\"q b\"\n--q b\r\n"
        "Content-Disposition: form-data; name=n\r\n\r\nv\r\n--q b--")
    put("fuzz_multipart", "m2", "multipart/form-data; boundary=x\n--x\r\n\r\n\r\n--x--")
    for i, c in enumerate(["portier_sid=abc; portier_lang=nl", " a=\"q\" ;b=;=c; d",
                           "x=1;x=2;" + ";".join("k%d=v" % k for k in range(70))]):
        put("fuzz_cookie", "c%d" % i, c)


def eid():
    with tempfile.TemporaryDirectory() as d:
        key, crt = os.path.join(d, "k.pem"), os.path.join(d, "c.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", crt,
                        "-days", "3650", "-subj",
                        "/C=BE/CN=Jan Peeters (Authentication)/SN=Peeters/GN=Jan/"
                        "serialNumber=85073003328"], check=True, capture_output=True)
        pem = open(crt).read()
    put("fuzz_eid_header", "h0", b"\x00" + urllib.parse.quote(pem, safe="").encode())
    put("fuzz_eid_header", "h1", b"\x00" + pem.encode())
    put("fuzz_eid_header", "h2", b"\x00%2D%2D%2D%2D%2DBEGIN%20CERTIFICATE%2D%2D%2D%2D%2D%0A%zz")
    put("fuzz_eid_header", "p0", b"\x01127.0.0.1, 10.0.0.0/8 ,::1,fd00::/8\n10.2.3.4")
    put("fuzz_eid_header", "p1", b"\x01192.168.1.0/33\n192.168.1.1")
    put("fuzz_eid_header", "p2", b"\x012001:db8::/32\n2001:db8::1")


def jose():
    k = fixed_key()
    kid = jwk_of(k)["kid"]
    now = 1700000000
    good = {"iss": "https://idp.example", "aud": "portal", "sub": "s" * 43, "nonce": "n-0S6",
            "exp": now + 300, "iat": now - 10}
    hdr = {"alg": "ES256", "typ": "JWT", "kid": kid}
    tok, der = sign(k, hdr, good)
    put("fuzz_idtoken", "t0", b"\x00" + tok.encode())
    put("fuzz_idtoken", "t1", b"\x00" + sign(k, hdr, dict(good, aud=["portal", "x"],
                                                         azp="portal"))[0].encode())
    put("fuzz_idtoken", "t2", b"\x00" + sign(k, {"alg": "none"}, good)[0].encode())
    put("fuzz_idtoken", "s0", b"\x01" + json.dumps(hdr).encode() + b"\n" +
        json.dumps(good).encode())
    put("fuzz_idtoken", "s1", b"\x01" + json.dumps({"alg": "ES256"}).encode() + b"\n" +
        json.dumps(dict(good, exp=1.7e9, nbf=now, iat=now - 5.5)).encode())
    put("fuzz_idtoken", "k0", b"\x02" + json.dumps({"keys": [jwk_of(k)]}).encode())
    put("fuzz_idtoken", "k1", b"\x02" + json.dumps({"keys": [jwk_of(k, False),
                                                   {"kty": "RSA", "n": "AQAB", "e": "AQAB"}]}).encode())
    put("fuzz_jws", "t0", b"\x00" + sign(k, hdr, {"iss": "https://idp.example", "aud": "c",
                                                   "sub": "s" * 43})[0].encode())
    put("fuzz_jws", "t1", b"\x00" + sign(k, {"alg": "ES256"}, {"a": 1})[0].encode())
    put("fuzz_jws", "j0", b"\x01" + json.dumps(jwk_of(k)).encode())
    put("fuzz_jws", "j1", b"\x01" + json.dumps(jwk_of(k, False)).encode())
    put("fuzz_jws", "d0", b"\x02" + der)
    put("fuzz_jws", "p0", b"\x03" + json.dumps(good).encode())


def authorize():
    ch = b64u(b"\x01" * 32)
    qs = [(0, "client_id=portal&response_type=code&scope=openid+profile+email&state=xyz"
              "&nonce=n1&redirect_uri=https%3A%2F%2Fportal.example%2Fcb"),
          (1, "response_type=code&scope=openid%20national_number%20email&code_challenge=" + ch +
              "&code_challenge_method=S256&prompt=login&max_age=300"
              "&acr_values=urn%3Aportier%3Aloa%3Ahigh+urn%3Aportier%3Aloa%3Asubstantial"),
          (0, "response_type=code&scope=openid&prompt=none+login&max_age=-1"),
          (1, "response_type=token&scope=profile&request=x"),
          (0, "response_type=code&scope=openid&ui_locales=nl-BE&response_mode=query&"
              "prompt=consent%20select_account&state=" + "s" * 1100)]
    for i, (c, q) in enumerate(qs):
        put("fuzz_authorize", "a%d" % i, bytes([c]) + q.encode())


def existing():
    for i, s in enumerate(["85.07.30-033.28", "85073003328", "0417.497.106", "BE0417497106",
                           "1099.001.189", "00000000000", "99.99.99-999.99"]):
        put("fuzz_be", "b%d" % i, s)
    tables = ["meta", "code", "enterprise", "establishment", "denomination", "address",
              "contact", "activity", "branch"]
    data = os.path.join(ROOT, "tests", "data", "kbo-open-data-0147-update")
    for f in sorted(os.listdir(data)):
        if not f.endswith(".csv"):
            continue
        base = f[:-4]
        delete = base.endswith("_delete")
        t = base.replace("_delete", "").replace("_insert", "")
        if t not in tables:
            continue
        raw = open(os.path.join(data, f), "rb").read()[:3000]
        raw = raw[:raw.rfind(b"\n") + 1] if b"\n" in raw else raw
        put("fuzz_kbo_row", base, bytes([tables.index(t) << 1 | delete, 5]) + raw)
    put("fuzz_registry_rows", "persons", b"\x00" + open("demo/persons.csv", "rb").read())
    put("fuzz_registry_rows", "functions", b"\x01" + open("demo/functions.csv", "rb").read())
    persons, functions = open("demo/persons.csv", "rb").read(), open("demo/functions.csv", "rb").read()
    put("fuzz_reg_import", "persons", b"\x00" + persons)
    put("fuzz_reg_import", "persons-skip", b"\x02" + persons +
        b'"12345678901","X","Y",2020-13-01,"Q","xx","B"\n')
    put("fuzz_reg_import", "functions", b"\x01" + functions)
    put("fuzz_reg_import", "functions-skip", b"\x03" + functions +
        functions.split(b"\n", 1)[1][:200])
    with tempfile.TemporaryDirectory() as d:
        for opt, name in (([], "nl.mo"), (["--endianness=big"], "nl-be.mo")):
            out = os.path.join(d, name)
            subprocess.run(["msgfmt"] + opt + ["-o", out, "po/nl.po"], check=True)
            put("fuzz_mo", name, open(out, "rb").read())
    put("fuzz_mo", "accept", "nl-BE,nl;q=0.9,fr;q=0.8,*;q=0.1")
    for p in sorted(glob.glob("templates/*.html")) + sorted(glob.glob("templates/partials/*")):
        put("fuzz_tmpl", os.path.basename(p), open(p, "rb").read())


forms()
eid()
jose()
authorize()
existing()
