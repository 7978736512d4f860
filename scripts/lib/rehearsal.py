#!/usr/bin/env python3
"""Helpers of scripts/rehearse-stack.sh (standard library + PyYAML, which docker-compose brings).

  env <service> <redis host:port> <password>     the compose service's environment, for loopback
  replicated-env <service> <sentinels a,b,c> <password>
                                                 the same with docker-compose.replicated.yml layered on top,
                                                 its three Sentinels replaced by the loopback ones
  prometheus <template> <out> <silo targets> <self target>
  panels <phase> <redis port> <password> <prometheus url> <from ms> <to ms>
  counts <redis port> <password> <xadd calls before> <orders written> <customers arrived>
  crowd <host> <port> <path> <connections> <requests per connection>
                                                 that many buyers' connections at once, each sending its
                                                 requests one after another (keep-alive); prints
                                                 "<answered 200> <failed>"

Every check prints one line "ok|FAIL  <what>: <detail>"; the exit code is the number of FAILs.
"""

import asyncio
import json
import math
import os
import re
import sys
import urllib.parse
import urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from resp import Client, RespError  # noqa: E402

STREAMS = ('queue:customers', 'queue:orders', 'queue:complete', 'queue:rejected')
failures = 0


def report(ok, what, detail=''):
    global failures
    if not ok:
        failures += 1
    print('%-4s  %s%s' % ('ok' if ok else 'FAIL', what, (': ' + detail) if detail else ''))


def compose():
    with open(os.path.join(ROOT, 'docker-compose.yml')) as handle:
        return yaml.safe_load(handle)


def env(service, redis_address, password):
    """Print the service's environment as KEY=VALUE lines, ${...} and the host `redis` resolved."""
    variables = compose()['services'][service].get('environment') or {}
    for key, value in variables.items():
        value = re.sub(r'\$\{REDIS_PASSWORD[^}]*\}', password, str(value))
        value = value.replace('redis:6379', redis_address)
        print('%s=%s' % (key, value))


def replicated_env(service, sentinels, password):
    """Like env, with docker-compose.replicated.yml's environment layered on, as `docker compose -f -f` does."""
    variables = dict(compose()['services'][service].get('environment') or {})
    with open(os.path.join(ROOT, 'docker-compose.replicated.yml')) as handle:
        layered = yaml.safe_load(handle)['services'].get(service) or {}
    variables.update(layered.get('environment') or {})
    loopback = sentinels.split(',')
    for key, value in variables.items():
        value = re.sub(r'\$\{REDIS_PASSWORD[^}]*\}', password, str(value))
        for number, address in enumerate(loopback, start=1):
            value = value.replace('sentinel-%d:26379' % number, address)
        print('%s=%s' % (key, value))


def prometheus(template, out, silo_targets, self_target):
    """prometheus/prometheus.yml with DNS discovery of `silo` replaced by the loopback silos."""
    with open(template) as handle:
        config = yaml.safe_load(handle)
    for job in config['scrape_configs']:
        if job['job_name'] == 'silo':
            job.pop('dns_sd_configs', None)
            job['static_configs'] = [{'targets': silo_targets.split(',')}]
        elif job['job_name'] == 'prometheus':
            job['static_configs'] = [{'targets': [self_target]}]
    with open(out, 'w') as handle:
        yaml.safe_dump(config, handle, sort_keys=False)


def number(value):
    try:
        result = float(value)
        return None if math.isnan(result) else result
    except (TypeError, ValueError):
        return None


def redis_target(client, target, from_ms, to_ms):
    """What the Redis Data Source issues for a target; returns (error or None, has data, value)."""
    command, key = target.get('command'), target.get('keyName')
    if target.get('query'):
        return 'custom query %r not replayed' % target['query'], False, None
    try:
        if command == 'ts.range':
            args = ['TS.RANGE', key, str(from_ms), str(to_ms)]
            if target.get('aggregation'):
                args += ['AGGREGATION', target['aggregation'], str(target['bucket'])]
            reply = client.call(*args)
            return None, len(reply) > 0, reply
        if command in ('get', 'xlen', 'hlen', 'ttl', 'type'):
            reply = client.call(command.upper(), key)
            # the data source parses the reply as a number when it can, else a string field
            return None, reply not in (None, ''), reply
        if command == 'hget':
            reply = client.call('HGET', key, target['field'])
            return None, reply not in (None, ''), reply
        if command == 'hgetall':
            reply = client.call('HGETALL', key)
            return None, len(reply) > 0, reply
        if command == 'info':
            reply = client.call('INFO', target.get('section', ''))
            return None, ':' in (reply or ''), reply
    except RespError as error:
        return str(error), False, None
    return 'command %r not replayed' % command, False, None


def prom_target(prometheus_url, target, from_ms, to_ms):
    params = {'query': target['expr'], 'start': from_ms / 1000.0, 'end': to_ms / 1000.0, 'step': '5'}
    url = prometheus_url + '/api/v1/query_range?' + urllib.parse.urlencode(params)
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            body = json.load(response)
    except Exception as error:  # HTTP 400 for a bad expression, connection errors
        return str(error), False, None
    if body.get('status') != 'success':
        return body.get('error', 'status ' + str(body.get('status'))), False, None
    values = [number(v) for series in body['data']['result'] for _, v in series['values']]
    values = [v for v in values if v is not None]
    return None, len(values) > 0, values


def panels(phase, port, password, prometheus_url, from_ms, to_ms):
    """Replays every target of every panel as user grafana (the data source's user).

    before: no panel may error (no data is fine: nothing has happened yet).
    during: every panel must have data and none may error."""
    with open(os.path.join(ROOT, 'grafana', 'dashboards', 'popup-store.json')) as handle:
        dashboard = json.load(handle)
    client = Client(port, 'grafana', password)
    for panel in dashboard['panels']:
        if panel.get('type') == 'row':
            continue
        title = panel['title']
        errors, with_data, results = [], 0, {}
        for target in panel.get('targets', []):
            kind = (target.get('datasource') or panel.get('datasource') or {}).get('type')
            if kind == 'redis-datasource':
                error, has_data, value = redis_target(client, target, from_ms, to_ms)
            elif kind == 'prometheus':
                error, has_data, value = prom_target(prometheus_url, target, from_ms, to_ms)
            elif kind == '__expr__':
                refs = re.findall(r'\$(\w+)', target.get('expression', ''))
                bad = [r for r in refs if number(results.get(r)) is None]
                error = ('expression %r over a value that is not a number (%s)'
                         % (target.get('expression'), ', '.join('$%s=%r' % (r, results.get(r)) for r in bad))
                         if bad else None)
                has_data, value = error is None, None
            else:
                error, has_data, value = 'data source %r not replayed' % kind, False, None
            results[target.get('refId')] = value
            if error:
                errors.append('%s: %s' % (target.get('refId'), error))
            elif has_data and not target.get('hide'):
                with_data += 1
        targets = [t for t in panel.get('targets', []) if not t.get('hide')]
        if errors:
            report(False, '%s panel %r' % (phase, title), '; '.join(errors))
        elif phase == 'during' and with_data < len(targets):
            report(False, '%s panel %r' % (phase, title), '%d of %d targets returned no data' % (len(targets) - with_data, len(targets)))
        else:
            report(True, '%s panel %r' % (phase, title), '%d of %d targets with data' % (with_data, len(targets)))
    client.close()


def added_entries(stats):
    """XADD calls that added an entry: calls less failed ones (the completion script's ACL probes on Redis 6.2 are
    XADDs Redis refuses after its permission check, on purpose, and add nothing)."""
    calls = re.search(r'cmdstat_xadd:calls=(\d+)', stats)
    failed = re.search(r'cmdstat_xadd:[^\r\n]*failed_calls=(\d+)', stats)
    return (int(calls.group(1)) if calls else 0) - (int(failed.group(1)) if failed else 0)


def counts(port, password, xadds_before, orders_written, customers_arrived):
    client = Client(port, 'grafana', password)
    sums = {}
    for stream in STREAMS:
        reply = client.call('TS.RANGE', 'ts:enqueue:' + stream, '-', '+')
        sums[stream] = int(sum(float(v) for _, v in reply))
    stats = client.call('INFO', 'commandstats')
    xadds = added_entries(stats) - xadds_before
    expected = {
        'queue:customers': customers_arrived,
        'queue:orders': orders_written,
        'queue:complete': client.call('XLEN', 'queue:complete'),
        'queue:rejected': client.call('XLEN', 'queue:rejected'),
    }
    print('stream            entries written   sum of ts:enqueue')
    for stream in STREAMS:
        print('%-17s %15d   %17d' % (stream, expected[stream], sums[stream]))
        report(expected[stream] == sums[stream], 'ts:enqueue:%s sums to the entries written' % stream,
               '%d vs %d' % (sums[stream], expected[stream]))
    report(sum(sums.values()) == xadds, 'all ts:enqueue series together = XADD calls that added an entry (INFO commandstats)',
           '%d vs %d' % (sum(sums.values()), xadds))
    orders = [int(t) for t, _ in client.call('TS.RANGE', 'ts:enqueue:queue:orders', '-', '+')]
    if orders:
        windows = set(range(min(orders), max(orders) + 1, 5000))
        for stream in STREAMS:
            for kind in ('len', 'enqueue'):
                stamps = {int(t) for t, _ in client.call('TS.RANGE', 'ts:%s:%s' % (kind, stream), '-', '+')}
                missing = sorted(windows - stamps)
                report(not missing, 'ts:%s:%s has a sample in each of the sale\'s %d windows' % (kind, stream, len(windows)),
                       'missing %s' % missing[:5] if missing else '')
    for stream in STREAMS:
        lengths = client.call('TS.RANGE', 'ts:len:' + stream, '-', '+')
        last = int(float(lengths[-1][1])) if lengths else None
        actual = client.call('XLEN', stream)
        report(last == actual, 'ts:len:%s ends at XLEN' % stream, 'last sample %s, XLEN %d' % (last, actual))
    client.close()


async def one_buyer(host, port, path, requests):
    """One connection, its requests one after another; the number answered 200."""
    reader, writer = await asyncio.open_connection(host, port)
    answered = 0
    try:
        for _ in range(requests):
            writer.write(('GET %s HTTP/1.1\r\nHost: %s:%d\r\n\r\n' % (path, host, port)).encode())
            await writer.drain()
            head = await reader.readuntil(b'\r\n\r\n')
            length = re.search(rb'(?i)\r\ncontent-length: *(\d+)', head)
            if not length:
                raise ValueError('no Content-Length in %r' % head[:200])
            await reader.readexactly(int(length.group(1)))
            answered += head.startswith(b'HTTP/1.1 200 ')
    finally:
        writer.close()
    return answered


def crowd(host, port, path, connections, requests):
    """A crowd at once, as far as open files allow it: raises this process' own limit first."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 64
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))

    async def run():
        return await asyncio.gather(*(one_buyer(host, port, path, requests) for _ in range(connections)),
                                    return_exceptions=True)

    results = asyncio.run(run())
    answered = sum(r for r in results if isinstance(r, int))
    print('%d %d' % (answered, connections * requests - answered))


def main(argv):
    verb = argv[1]
    if verb == 'env':
        env(argv[2], argv[3], argv[4])
        return 0
    if verb == 'replicated-env':
        replicated_env(argv[2], argv[3], argv[4])
        return 0
    if verb == 'prometheus':
        prometheus(*argv[2:6])
        return 0
    if verb == 'panels':
        panels(argv[2], int(argv[3]), argv[4], argv[5], int(argv[6]), int(argv[7]))
    elif verb == 'crowd':
        crowd(argv[2], int(argv[3]), argv[4], int(argv[5]), int(argv[6]))
        return 0
    elif verb == 'counts':
        counts(int(argv[2]), argv[3], int(argv[4]), int(argv[5]), int(argv[6]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return min(failures, 100)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
