// oidc-interop.test.js — runs the openid-client interoperability test (tests/interop/)
// with the HTTP tests, so that `make http` and `make asan` include it.
import '../interop/openid-client.test.js';
