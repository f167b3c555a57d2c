// broker_upstream.mjs — the upstream identity provider of bench/broker.mjs, in a process of
// its own so that its CPU is not portier's: oidc-provider from npm as the tests run it
// (tests/http/upstream_lib.js). Run with fork(): env BENCH_CB (portier's callback),
// BENCH_SECRET, BENCH_NISS; sends { issuer } once listening.
import { startOidcUpstream } from '../tests/http/upstream_lib.js';

const up = await startOidcUpstream({
  redirectUri: process.env.BENCH_CB, secret: process.env.BENCH_SECRET,
  accounts: { jan: { national_number: process.env.BENCH_NISS } },
});
process.send({ issuer: up.issuer });
process.on('disconnect', () => up.close().then(() => process.exit(0)));
