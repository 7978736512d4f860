# Pop-up Store: queue time series (RedisGears 1.2, Python plugin).
#
# Watches every `queue:*` stream and, once per 5 s window (or every 10,000 new
# entries, whichever comes first), writes two samples per stream that received
# entries in the window:
#
#   ts:len:<stream>      XLEN of the stream when the window closes  (ON_DUPLICATE LAST)
#   ts:enqueue:<stream>  entries added to the stream in the window  (ON_DUPLICATE SUM)
#
# What this fixes compared with the seed demo:
#   * A plain `TS.ADD key * value` fails with "TSDB: Error at upsert, update is not
#     supported when DUPLICATE_POLICY is set to BLOCK" when two windows close in the
#     same millisecond (or when a batch of 10,000 fills up quickly). Every sample here
#     says what to do with a duplicate timestamp: the length keeps the last value, the
#     enqueue count is added up, so a "per 5 s" sum in Grafana stays exact.
#   * Series are created up front with a retention and labels (TS.CREATE, once per
#     series and interpreter; "key already exists" is expected and ignored), instead of
#     being auto-created by TS.ADD with no retention (unbounded memory).
#   * The registration carries the description `popupstore-timeseries`, so the
#     registrar (gears/register.sh) can find it in RG.DUMPREGISTRATIONS and never
#     registers it twice.
#
# Loading this file issues no Redis command: it only builds and registers the
# pipeline, which keeps it safe to re-run when Redis replays the registration.
#
# The names GearsBuilder and execute are provided by RedisGears at run time.
# Python 3.7 syntax only (the interpreter bundled with RedisGears 1.2).

DESCRIPTION = 'popupstore-timeseries'
STREAM_PREFIX = 'queue:*'
WINDOW_MS = 5000
BATCH_SIZE = 10000
RETENTION_MS = 24 * 60 * 60 * 1000

# kind -> duplicate policy used both at creation time and on every TS.ADD
DUPLICATE_POLICIES = (
    ('len', 'LAST'),
    ('enqueue', 'SUM'),
)

# Series already known to exist in this interpreter (avoids one TS.CREATE per window).
_known_series = set()


def series_key(kind, stream):
    return 'ts:' + kind + ':' + stream


def series_labels(kind, stream):
    return ['app', 'popupstore', 'metric', kind, 'stream', stream]


def ensure_series(kind, policy, stream):
    """Create the series once (retention, duplicate policy, labels); tolerate it existing."""
    key = series_key(kind, stream)
    if key in _known_series:
        return key
    args = ['TS.CREATE', key,
            'RETENTION', str(RETENTION_MS),
            'DUPLICATE_POLICY', policy,
            'LABELS'] + series_labels(kind, stream)
    try:
        execute(*args)
    except Exception as error:  # RedisGears raises a generic error type for error replies
        if 'already exists' not in str(error).lower():
            raise
    _known_series.add(key)
    return key


def stream_of(record):
    return record['key']


def add_samples(record):
    """record is a countby result: {'key': <stream name>, 'value': <entries added in the window>}."""
    stream = record['key']
    added = int(record['value'])
    keys = {}
    for kind, policy in DUPLICATE_POLICIES:
        keys[kind] = ensure_series(kind, policy, stream)
    length = execute('XLEN', stream)
    execute('TS.ADD', keys['len'], '*', str(length), 'ON_DUPLICATE', 'LAST')
    execute('TS.ADD', keys['enqueue'], '*', str(added), 'ON_DUPLICATE', 'SUM')
    return record


builder = GearsBuilder('StreamReader', desc=DESCRIPTION)
builder.countby(stream_of).foreach(add_samples)
builder.register(prefix=STREAM_PREFIX,
                 duration=WINDOW_MS,
                 batch=BATCH_SIZE,
                 trimStream=False,
                 onFailedPolicy='continue')
