#!/usr/bin/python3
# Writes docs/performance.md, docs/performance.png and
# docs/bench-results.csv from a make bench run (tools/bench.sh). A run in
# which any request was refused, or a DPoP request went without a proof,
# is written as invalid, said at the top, and exits 1.

import csv
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

d, rss_start, rss_end, nkeys, start_ms, secs, rounds = sys.argv[1:8]
rss_start, rss_end = int(rss_start), int(rss_end)
start_ms = float(start_ms)


def stamp(name):
    # when the run began or ended, as bench.sh wrote it; else now
    path = os.path.join(d, name)
    return float(open(path).read()) if os.path.exists(path) else time.time()


began, ended = stamp('started'), stamp('finished')

rows = list(csv.DictReader(open(os.path.join(d, 'results.csv'))))
order = []
tool = {}
for r in rows:
    if r['config'] not in order:
        order.append(r['config'])
        tool[r['config']] = r.get('tool') or 'wrk'

# wrk's configurations, and those over TLS with a client certificate that
# ab measures: ratios only within each
wrk = [c for c in order if tool[c] == 'wrk']
ab = [c for c in order if tool[c] == 'ab']


def med(cfg, field):
    return statistics.median(float(r[field]) for r in rows
                             if r['config'] == cfg)


rps = {c: med(c, 'requests_per_s') for c in order}
p50 = {c: med(c, 'p50_ms') for c in order}
p99 = {c: med(c, 'p99_ms') for c in order}
non2xx = {c: sum(int(r['non2xx'] or 0) for r in rows if r['config'] == c)
          for c in order}
base = rps['none']

# each sender-constrained configuration and the bearer one it adds to
bound = {'dpop-es256': 'hs256', 'cache-dpop-es256': 'cache-hs256',
         'mtls-hdr': 'hs256'}
bound = {c: b for c, b in bound.items() if c in rps and b in rps}

# the DPoP proofs: minted, used, requests that went without one
proofs = []
proofs_path = os.path.join(d, 'proofs.csv')
if os.path.exists(proofs_path):
    proofs = list(csv.DictReader(open(proofs_path)))

invalid = []
for c in order:
    if non2xx[c]:
        invalid.append('`%s` had %d refused or failed requests'
                       % (c, non2xx[c]))
for p in proofs:
    if int(p['without']):
        invalid.append('`%s` ran out of proofs: %s requests went without one'
                       % (p['config'], p['without']))
if os.path.exists(os.path.join(d, 'invalid')):
    invalid += [line.strip() for line in open(os.path.join(d, 'invalid'))]

speed = open(os.path.join(d, 'openssl-speed.txt')).read()


def verify_per_s(pattern):
    m = re.search(pattern + r'\s+\S+s\s+\S+s\s+(\S+)\s+(\S+)', speed)
    return float(m.group(2)) if m else None


verify = {
    'RSA-2048': verify_per_s(r'rsa 2048 bits'),
    'P-256': verify_per_s(r'256 bits ecdsa \(nistp256\)'),
    'Ed25519': verify_per_s(r'253 bits EdDSA \(Ed25519\)'),
}


def limit(v):
    return 1.0 / (1.0 / base + 1.0 / v) if v else None


lim = {'rs256': limit(verify['RSA-2048']), 'ps256': limit(verify['RSA-2048']),
       'es256': limit(verify['P-256']), 'eddsa': limit(verify['Ed25519'])}

targets = []


def target(what, measured, goal, ok):
    targets.append((what, measured, goal, 'met' if ok else '**missed**'))


target('HS256, cache off, vs the baseline', '%.1f%%' % (100 * rps['hs256'] / base),
       '≥ 95%', rps['hs256'] >= 0.95 * base)
for c, name in (('rs256', 'RS256'), ('es256', 'ES256')):
    target('%s, cache off, vs the crypto-bound limit (%.0f req/s)'
           % (name, lim[c]), '%.1f%%' % (100 * rps[c] / lim[c]), '≥ 90%',
           rps[c] >= 0.90 * lim[c])
for c in order:
    if c.startswith('cache-') and c[6:] in ('hs256', 'rs256', 'ps256',
                                             'es256', 'eddsa'):
        target('%s, cache on, 200 tokens, vs the baseline' % c[6:].upper(),
               '%.1f%%' % (100 * rps[c] / base), '≥ 90%',
               rps[c] >= 0.90 * base)
target('HS256 vs the auth_request design', '%.2fx' % (rps['hs256'] / rps['authreq']),
       '≥ 3x', rps['hs256'] >= 3 * rps['authreq'])
cost = 100 * (rps['hs256'] - rps['uid']) / rps['hs256']
target('what the encrypted user id (A256GCM) costs HS256', '%.1f%%' % cost,
       '< 3%', cost < 3)
target('worker RSS over 60 s with the cache, after warm-up',
       '%+d KiB (%d → %d)' % (rss_end - rss_start, rss_start, rss_end),
       '< 1 MiB', rss_end - rss_start < 1024)
target('nginx -t with a JWKS of %s keys' % nkeys, '%.0f ms' % start_ms,
       '< 1 s', start_ms < 1000)

# context: the same baseline with a token as long as RS256's
rs_base = rps.get('none-rs256')

# the chart
dat = os.path.join(d, 'chart.dat')
with open(dat, 'w') as f:
    for i, c in enumerate(wrk):
        f.write('%d "%s" %.0f\n' % (i, c, rps[c]))
png = os.path.join('docs', 'performance.png')
subprocess.run(['gnuplot'], check=True, input=f'''
set terminal pngcairo size 1000,460 font ",10"
set output "{png}"
set title "authgw: requests/s, median of {rounds} rounds, one worker, wrk (same run)"
set style fill solid 0.8
set boxwidth 0.7
set ylabel "requests/s"
set yrange [0:*]
set xtics rotate by -35
set grid ytics
unset key
plot "{dat}" using 1:3:xtic(2) with boxes lc rgb "#3b6ea5", \\
     {base} with lines lc rgb "#c0392b" lw 2 title "no auth"
'''.encode()) if shutil.which('gnuplot') else None

shutil.copy(os.path.join(d, 'results.csv'),
            os.path.join('docs', 'bench-results.csv'))

cpu = 'unknown'
for line in open('/proc/cpuinfo'):
    if line.startswith('model name'):
        cpu = line.split(':', 1)[1].strip()
        break
nginx_v = subprocess.run(['nginx', '-v'], capture_output=True,
                         text=True).stderr.strip()
ossl_v = subprocess.run(['openssl', 'version'], capture_output=True,
                        text=True).stdout.strip()

names = {
    'none': 'no authentication (baseline)',
    'none-rs256': 'no authentication, an RS256 token\'s size',
    'hs256': 'HS256, cache off', 'rs256': 'RS256 (2048), cache off',
    'ps256': 'PS256 (2048), cache off', 'es256': 'ES256, cache off',
    'eddsa': 'EdDSA, cache off',
    'cache-hs256': 'HS256, cache on, 200 tokens',
    'cache-rs256': 'RS256, cache on, 200 tokens',
    'cache-ps256': 'PS256, cache on, 200 tokens',
    'cache-es256': 'ES256, cache on, 200 tokens',
    'cache-eddsa': 'EdDSA, cache on, 200 tokens',
    'uid': 'HS256 + user id (A256GCM), cache off',
    'authreq': 'auth_request to an auth service (HS256)',
    'dpop-es256': 'DPoP: HS256 token, ES256 proof, cache off',
    'cache-dpop-es256': 'DPoP: HS256 token, ES256 proof, cache on',
    'mtls-hdr': 'HS256 bound to a certificate in a header, cache off',
    'tls-clientcert-none': 'TLS, client certificate, no authentication',
    'mtls-conn': 'TLS, HS256 bound to the connection\'s certificate',
}

out = []
out.append('# authgw performance\n')
if invalid:
    out.append('**This run is invalid**: %s. Its figures are not '
               'comparable; run `make bench` again.\n' % '; '.join(invalid))
out.append('Measured by `make bench` on %s. Absolute numbers on a shared '
           'machine are noisy: read the ratios, which come from the same '
           'run (every configuration measured once per round, the rounds '
           'interleaved, medians of %s rounds of %s s).\n'
           % (time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(began)),
              rounds, secs))
out.append('Machine: %s, %d cores, Linux %s; %s, %s. nginx runs one worker '
           'pinned to CPU 0, which also serves the upstream (a `return 200`) '
           'and the auth service of the auth_request design; wrk runs on '
           'CPU 1 with 32 connections (ab, for the configurations over TLS '
           'with a client certificate, too).\n'
           % (cpu, os.cpu_count(), platform.release(), nginx_v, ossl_v))
out.append('![requests/s per configuration](performance.png)\n')
table_at = len(out)
out.append('| configuration | req/s (median) | vs baseline | p50 ms | p99 ms | non-2xx |')
out.append('|---|---:|---:|---:|---:|---:|')
for c in wrk:
    out.append('| %s | %.0f | %.1f%% | %.2f | %.2f | %d |'
               % (names.get(c, c), rps[c], 100 * rps[c] / base, p50[c],
                  p99[c], non2xx[c]))
out.append('')
out.append('## Targets\n')
out.append('| target | measured | goal | |')
out.append('|---|---|---|---|')
for t in targets:
    out.append('| %s | %s | %s | %s |' % t)
out.append('')
if rs_base:
    out.append('The baseline carries the HS256 token (%d bytes). With a token '
               'of RS256\'s size (%d bytes, sent on to the upstream too, '
               'which here is served by the same worker), the no-auth '
               'figure is %.1f%% of it; against that baseline, RS256 with '
               'the cache on is %.1f%% and PS256 %.1f%%.\n'
               % (len(open(os.path.join(d, 'tokens', 'none.txt')).readline()
                      .strip()),
                  len(open(os.path.join(d, 'tokens', 'none-rs256.txt'))
                      .readline().strip()),
                  100 * rs_base / base, 100 * rps['cache-rs256'] / rs_base,
                  100 * rps['cache-ps256'] / rs_base))
out.append('The crypto-bound limit is `1 / (1/baseline + t_verify)`, with '
           '`t_verify` from `openssl speed` run in the same benchmark (one '
           'core): RSA-2048 %.0f, P-256 %.0f, Ed25519 %.0f verifications/s.\n'
           % (verify['RSA-2048'] or 0, verify['P-256'] or 0,
              verify['Ed25519'] or 0))
if proofs:
    # the replay zone is shared memory the worker has touched: in its RSS
    held = sum(int(p['used']) for p in proofs)
    out.append('The worker\'s RSS counts the pages of the DPoP replay zone '
               'that the DPoP configurations filled before it is read: '
               '%d proofs of 128 bytes, %d KiB, kept for the hour of their '
               'window (see below).\n' % (held, held * 128 // 1024))


def json_bytes(cfg):
    # the decoded header and payload of a configuration's first token
    seg = open(os.path.join(d, 'tokens', cfg + '.txt')).readline().split('.')
    return sum(len(x) * 3 // 4 for x in seg[:2])


core = {}
core_path = os.path.join(d, 'core.txt')
if os.path.exists(core_path):
    for line in open(core_path):
        k, v = line.strip().split(',')
        core[k] = float(v)
if core:
    per_req = 1e6 / rps['hs256']
    out.append('## The core alone\n')
    out.append('`tools/core-bench` times the core in process, on the wrk '
               'core, before the request rounds, with the tokens of the '
               '`hs256` configuration (%d bytes) and of the `uid` '
               'configuration (%d bytes: the same claims and an A256GCM user '
               'id); it is far less noisy than the request figures. Set '
               'against the HS256 request time of this run (%.1f µs per '
               'request at the median):\n'
               % (core.get('plain_token_bytes', 0),
                  core.get('token_bytes', 0), per_req))
    out.append('| step | µs per call | share of an HS256 request |')
    out.append('|---|---:|---:|')
    for k, name in (('plain_jws_verify_and_claims_us',
                     'JWS verification (HS256) and the claims, `hs256` '
                     'token'),
                    ('jws_verify_and_claims_us',
                     'the same, `uid` token'),
                    ('payload_json_us',
                     '… of which parsing the payload JSON (jansson, %d bytes)'
                     % core.get('payload_bytes', 0)),
                    ('jwe_decrypt_us', 'the user id: JWE decryption'),
                    ('cache_hit_us',
                     'a cache hit: SHA-256 of the token, lookup, claims')):
        if k in core:
            out.append('| %s | %.2f | %.1f%% |'
                       % (name, core[k], 100 * core[k] / per_req))
    out.append('')

    base_us = 1e6 / base
    out.append('## Why targets are missed\n')
    out.append('A request of the no-auth baseline costs %.1f µs of the '
               'worker\'s time in this run; 5%% of it is %.2f µs, 3%% of the '
               'HS256 figure is %.2f µs.\n'
               % (base_us, 0.05 * base_us, 0.03 * per_req))
    if 'payload_json_us' in core and core.get('payload_bytes'):
        nspb = 1000 * core['payload_json_us'] / core['payload_bytes']
        out.append('- **HS256 without the cache (95%%)**: the core alone '
                   'takes %.2f µs per `hs256` token, where the target leaves '
                   '%.2f µs. jansson parses JSON at about %.0f ns per byte '
                   '(%.2f µs for the %d-byte payload of the `uid` token), so '
                   'the header and payload of a small token cost it about '
                   '%.1f µs before any cryptography; HMAC, base64url and the '
                   'claims are the rest. Meeting 95%% here would need a JSON '
                   'parser several times faster than jansson\'s lexer, that '
                   'is replacing jansson on the request path, which this '
                   'project has chosen not to do (its duplicate-member '
                   'rejection and its fuzzing history are why it is used). '
                   'The cache turns this into a hit of %.2f µs for repeated '
                   'tokens.'
                   % (core.get('plain_jws_verify_and_claims_us', 0),
                      0.05 * base_us, nspb, core['payload_json_us'],
                      core['payload_bytes'],
                      nspb * json_bytes('hs256') / 1000,
                      core.get('cache_hit_us', 0)))
    if 'jwe_decrypt_us' in core and 'plain_jws_verify_and_claims_us' in core:
        extra = (core['jws_verify_and_claims_us']
                 - core['plain_jws_verify_and_claims_us'])
        out.append('- **The encrypted user id (< 3%%)**: it costs %.2f µs in '
                   'all, %.1f%% of an HS256 request: decrypting it takes '
                   '%.2f µs (its ciphers are prepared at load; what remains '
                   'is jansson parsing the JWE header, base64url and one '
                   'AES-GCM), and its claim makes the token %d bytes longer, '
                   'which costs %.2f µs more to verify (mostly the longer '
                   'payload through jansson). The `uid` configuration also '
                   'sets a header for the upstream. With the cache on, a hit '
                   'reuses the decrypted id.'
                   % (core['jwe_decrypt_us'] + extra,
                      100 * (core['jwe_decrypt_us'] + extra) / per_req,
                      core['jwe_decrypt_us'],
                      core['token_bytes'] - core['plain_token_bytes'],
                      extra))
    t_hs, t_ar = 1e6 / rps['hs256'], 1e6 / rps['authreq']
    if t_ar / 3 > base_us:
        why = ('that is authgw adding at most %.1f µs, which comes down to '
               'the JSON cost of the first point' % (t_ar / 3 - base_us))
    else:
        why = ('less than the no-auth request itself, which no gateway '
               'reaches: in this run the auth_request design costs under '
               '3x the baseline')
    out.append('- **3x the auth_request design**: here an auth_request '
               'request costs %.1f µs and an HS256 request at the gateway '
               '%.1f µs, %.1f µs over the baseline\'s %.1f µs; 3x needs the '
               'gateway request at %.1f µs or less, %s. With the cache on, '
               'the gateway figure is %.1fx the auth_request figure.'
               % (t_ar, t_hs, t_hs - base_us, base_us, t_ar / 3, why,
                  rps['cache-hs256'] / rps['authreq']))
    spread = {}
    for c in order:
        v = [float(r['requests_per_s']) for r in rows if r['config'] == c]
        spread[c] = 100 * (max(v) - min(v)) / rps[c]
    widest = max(spread, key=spread.get)
    tok_len = {c: len(open(os.path.join(d, 'tokens', c + '.txt')).readline()
                      .strip()) for c in order}
    out.append('- **A cache-on configuration under 90%%**: the hit path is '
               'the same for every algorithm (the SHA-256 of the token, a '
               'lookup, the claims: %.2f µs). In this run one '
               'configuration\'s rounds spread over %.0f%% of its median '
               '(`%s`; the baseline\'s over %.0f%%, see the CSV), more than '
               'the 10%% margin of the target. RSA tokens are also longer '
               '(%d bytes against %d for HS256 and %d for ES256), which '
               'costs nginx more to read and pass on and the cache more to '
               'hash: the no-auth baseline with such a token is %.1f%% of '
               'the plain one (see Targets).\n'
               % (core.get('cache_hit_us', 0), spread[widest], widest,
                  spread['none'], tok_len['cache-rs256'],
                  tok_len['cache-hs256'], tok_len['cache-es256'],
                  100 * rps.get('none-rs256', base) / base))

def first_line(path):
    if not os.path.exists(path):
        return ''
    return open(path).readline().strip()


def per_round(c, ref):
    # c's req/s over ref's, round by round: the lowest and the highest
    by = {}
    for r in rows:
        by.setdefault(r['round'], {})[r['config']] = float(r['requests_per_s'])
    v = [x[c] / x[ref] for x in by.values() if c in x and x.get(ref)]
    return '%.0f–%.0f%%' % (100 * min(v), 100 * max(v))


def more(c, ref):
    # what a request of c costs over one of ref, in µs of the worker; a
    # configuration that does more cannot cost less: then it is noise
    us = 1e6 / rps[c] - 1e6 / rps[ref]
    if us > 0:
        return '%.1f µs a request more than `%s`' % (us, ref)
    return ('no more than `%s` that this run resolves (%+.1f µs a request, '
            'inside the spread of its rounds)' % (ref, us))


def sender_constrained():
    """the DPoP and certificate-bound configurations, and the TLS pair"""
    out.append('## Sender-constrained tokens\n')
    out.append('Each against the no-auth baseline and against the bearer '
               'configuration it adds a binding to, measured by wrk in the '
               'same rounds (both DPoP configurations check a proof on '
               'every request; `cache-dpop-es256` sends one token, '
               '`cache-hs256` 200: both hit the cache). "Per round" is the '
               'ratio to the bearer configuration in each round, lowest and '
               'highest:\n')
    out.append('| configuration | req/s (median) | vs baseline | vs bearer '
               '| per round | p50 ms | p99 ms | non-2xx |')
    out.append('|---|---:|---:|---:|---:|---:|---:|---:|')
    for c, b in bound.items():
        out.append('| %s | %.0f | %.1f%% | %.1f%% of `%s` | %s | %.2f | %.2f '
                   '| %d |'
                   % (names.get(c, c), rps[c], 100 * rps[c] / base,
                      100 * rps[c] / rps[b], b, per_round(c, b), p50[c],
                      p99[c], non2xx[c]))
    out.append('')

    if 'dpop-es256' in bound:
        sample = first_line(os.path.join(d, 'proofs',
                                         'dpop-es256.sample')).split(' ')
        t_dpop = 1e6 / rps['dpop-es256']
        t_hs = 1e6 / rps['hs256']
        t_es = 1e6 / rps['es256']
        t_v = 1e6 / verify['P-256'] if verify['P-256'] else 0
        text = ('- **DPoP** (`authgw_dpop required`): every request carries '
                'the HS256 token bound to the client\'s P-256 key '
                '(`cnf.jkt`, %d bytes) as `Authorization: DPoP` and a proof '
                'of its own in the `DPoP` header (%d bytes: its header holds '
                'the client\'s public key), which the module checks '
                '(signature with the key of its `jwk`, `htm`, `htu`, `iat`, '
                '`ath`, the binding) and enters in the replay cache. A '
                '`dpop-es256` request costs %.1f µs of the worker, %.1f µs '
                'more than an HS256 bearer request and %.1f µs more than an '
                'ES256 bearer request, which verifies one P-256 signature '
                'too, with a key loaded at start-up (openssl speed: %.1f µs '
                'a verification).'
                % (len(sample[0]), len(sample[-1]), t_dpop, t_dpop - t_hs,
                   t_dpop - t_es, t_v))
        if 'dpop_check_us' in core:
            text += (' `tools/core-bench` times the core\'s check of one '
                     'such proof at %.1f µs, of which %.1f µs read its '
                     'header and make its `jwk` a key (for an EC key '
                     '`EVP_PKEY_fromdata` and `EVP_PKEY_public_check`, on '
                     'every request: the key is the client\'s, in the '
                     'proof)%s.'
                     % (core['dpop_check_us'], core['dpop_key_us'],
                        ', more than the verification of its signature'
                        if t_v and core['dpop_key_us'] > t_v else ''))
        if verify['P-256']:
            lim_d = 1.0 / (1.0 / rps['hs256'] + 1.0 / verify['P-256'])
            text += (' The bound of HS256 plus one P-256 verification, '
                     '`1 / (1/hs256 + t_verify)`, is %.0f req/s; '
                     '`dpop-es256` is %.1f%% of it.'
                     % (lim_d, 100 * rps['dpop-es256'] / lim_d))
        if 'cache-dpop-es256' in bound:
            text += (' With the cache on, the token comes from the cache '
                     'and the proof is checked all the same: '
                     '`cache-dpop-es256` is %.1f%% of `cache-hs256` and '
                     '%.1f%% of `dpop-es256`.'
                     % (100 * rps['cache-dpop-es256'] / rps['cache-hs256'],
                        100 * rps['cache-dpop-es256'] / rps['dpop-es256']))
        out.append(text)

    if proofs:
        used = sum(int(p['used']) for p in proofs)
        out.append('- **The proofs**: a proof is good once, so `make bench` '
                   'mints them before nginx starts (`authgw-token dpop '
                   '--count`), as many as the run could use at the most: '
                   'openssl speed\'s P-256 verifications a second (no DPoP '
                   'request can go faster on one core) and a quarter more, '
                   'over the seconds wrk runs each configuration. '
                   '`tools/bench-dpop.lua` sends each once, in order, '
                   'across the runs. %s; %s. Every proof has the `iat` of '
                   'the start, so the location\'s `authgw_dpop_window` is an '
                   'hour, and the replay cache (`authgw_dpop_replay_zone`, '
                   'sized for every proof minted) held all %d used ones at '
                   'the end.'
                   % ('; '.join('`%s`: %s minted, %s used'
                                % (p['config'], p['minted'], p['used'])
                                for p in proofs),
                      'no request went without one'
                      if not any(int(p['without']) for p in proofs)
                      else '**%d requests went without one**'
                      % sum(int(p['without']) for p in proofs),
                      used))

    if 'mtls-hdr' in bound:
        hdr = first_line(os.path.join(d, 'tls', 'headers.txt'))
        text = ('- **A certificate-bound token, the certificate in a '
                'header** (`authgw_mtls required; authgw_mtls_certificate '
                '$http_x_client_cert`): the client\'s P-256 certificate, '
                'URL-encoded PEM as a TLS terminator\'s '
                '`$ssl_client_escaped_cert` (%d bytes), in `X-Client-Cert` '
                'on every request; the module decodes it and hashes its DER '
                'against `cnf["x5t#S256"]`. It costs %s, which includes '
                'nginx reading the longer request and passing the header '
                'upstream'
                % (len(hdr.split(': ', 1)[-1]), more('mtls-hdr', 'hs256')))
        if 'none-rs256' in rps:
            longer = (len(first_line(os.path.join(d, 'tokens',
                                                  'none-rs256.txt')))
                      - len(first_line(os.path.join(d, 'tokens',
                                                    'none.txt'))))
            text += (' (for scale: `none-rs256`, no authentication with a '
                     'token %d bytes longer, measures %+.1f µs a request '
                     'against the baseline)'
                     % (longer, 1e6 / rps['none-rs256'] - 1e6 / base))
        out.append(text + '.')
    out.append('')

    if len(ab) == 2:
        a0, a1 = ab
        out.append('### The connection\'s certificate (ab)\n')
        proto = first_line(os.path.join(d, 'ab-protocol.txt'))
        proto = proto.split(':', 1)[-1].strip().split(',')
        out.append('wrk cannot present a client certificate; `ab -E` '
                   '(apache2-utils) can. These two configurations are '
                   'measured by ab in the same rounds, on their own TLS '
                   'server (`ssl_verify_client on`, the client certificate '
                   'its own CA; ab keeps 32 connections alive, HTTP/1.0, '
                   '%s), and compare only with each other: ab and TLS cost '
                   'what wrk and plain HTTP do not.\n'
                   % ' '.join(proto[:2]))
        out.append('| configuration (ab, TLS) | req/s (median) | vs `%s` '
                   '| per round | p50 ms | p99 ms | non-2xx |' % a0)
        out.append('|---|---:|---:|---:|---:|---:|---:|')
        for c in ab:
            out.append('| %s | %.0f | %.1f%% | %s | %.2f | %.2f | %d |'
                       % (names.get(c, c), rps[c], 100 * rps[c] / rps[a0],
                          per_round(c, a0) if c != a0 else '—', p50[c],
                          p99[c], non2xx[c]))
        out.append('')
        out.append('`%s` verifies the HS256 token and checks its '
                   '`cnf["x5t#S256"]` against the certificate of the '
                   'connection (`authgw_mtls required` without '
                   '`authgw_mtls_certificate`: the module DER-encodes the '
                   'certificate OpenSSL holds and hashes it, on every '
                   'request); at the medians it is %.1f%% of `%s` (from %s '
                   'round by round), %s.\n'
                   % (a1, 100 * rps[a1] / rps[a0], a0, per_round(a1, a0),
                      more(a1, a0)))


if bound or ab:
    sender_constrained()

profiles = [c for c in ('uid', 'authreq', 'es256', 'eddsa', 'rs256',
                      'dpop-es256')
            if os.path.exists(os.path.join(d, 'profile-%s.txt' % c))]
if profiles:
    out.append('## Where the time goes\n')
    out.append('Flat `perf` profiles of the nginx worker during 4 s of each '
               'configuration: the share of samples by shared object, then '
               'the named symbols over 1.5% (libcrypto and jansson carry no '
               'symbols on this machine, so their time shows only by '
               'object).\n')
    for c in profiles:
        out.append('### %s\n' % names.get(c, c))
        out.append('```')
        out.append(open(os.path.join(d, 'profile-%s.txt' % c)).read().rstrip())
        out.append('```\n')

out.append('## Reading these figures\n')
lo = min(spread, key=spread.get) if core else None
if core:
    out.append('Between the rounds of this run, a configuration\'s req/s '
               'spread (largest minus smallest, over the median) from %.0f%% '
               '(`%s`) to %.0f%% (`%s`); the baseline\'s was %.0f%%. '
               'Differences between configurations smaller than that are '
               'not resolved by this run, and a cache-hit configuration can '
               'even measure above the baseline. Earlier runs have put '
               'the baseline anywhere from about 37,000 to 58,000 requests/s '
               'on this shared machine: compare ratios within one run. More '
               'rounds (`BENCH_ROUNDS=9`) narrow the medians.\n'
               % (spread[lo], lo, spread[widest], widest, spread['none']))

out.append('## Rerun\n')
took = ('                  # about %d minutes, then make bench-hostile'
        % round((ended - began) / 60))
out.append('```sh\nmake bench%s\n'
           'make bench BENCH_TIME=5 BENCH_ROUNDS=9\n```\n' % took)
out.append('The raw figures of every round are in '
           '[bench-results.csv](bench-results.csv).\n')
open(os.path.join('docs', 'performance.md'), 'w').write('\n'.join(out))

print('\n'.join(out[table_at:table_at + len(wrk) + 2]))
print()
for t in targets:
    print('%-70s %-22s %-8s %s' % t)

if invalid:
    print('\nbench: THIS RUN IS INVALID: %s' % '; '.join(invalid))
    sys.exit(1)
