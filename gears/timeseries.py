# Pop-up Store: queue time series (RedisGears 1.2, Python plugin).
#
# One KeysReader registration, run synchronously inside the command that changes a `queue:*`
# stream (mode 'sync'), keeps two series per stream, one sample per 5 s window, stamped with
# the window's end (ms since epoch, a multiple of 5000):
#
#   ts:enqueue:<stream>  entries added to the stream in the window: every XADD adds 1 to the
#                        window's sample (ON_DUPLICATE SUM). The count happens in the XADD
#                        itself, so an entry answered and deleted a millisecond later is counted
#                        like any other, and the samples of a sale sum to the entries written.
#   ts:len:<stream>      XLEN after the last change of the window (ON_DUPLICATE LAST: every
#                        XADD, XDEL, XTRIM or DEL of the stream overwrites the window's sample).
#
# The first event of each window also writes, for each of the four contract streams, a length
# sample and an enqueue sample of 0, so while a sale runs every series has a point in every
# window, also a stream that did not change in it (queue:complete once the stock is gone).
#
# What this fixes compared with the seed demo and the StreamReader this replaces:
#   * A StreamReader reads a stream only when its window fires: entries already answered and
#     deleted by then (queue:orders, queue:customers) were never counted, and a batch limit
#     fired windows early, so "per 5 s" was not per 5 s.
#   * Samples carry an explicit window-aligned timestamp and say what to do with a duplicate
#     timestamp, so "TSDB: update is not supported when DUPLICATE_POLICY is set to BLOCK"
#     cannot happen and a sum per 5 s in Grafana is exact.
#   * Series are created with a retention and labels (TS.CREATE, once per series and
#     interpreter; "key already exists" is expected), never auto-created without retention.
#   * The registration carries the description `popupstore-timeseries`, so the registrar
#     (gears/register.sh) finds it in RG.DUMPREGISTRATIONS and never registers it twice.
#
# Cost: one Python execution per event on a queue stream, inside that command (measured in
# docs/dashboard.md, "What the Gears counting costs").
#
# Loading this file issues no Redis command: it only builds and registers the function, which
# keeps it safe when Redis loads the registration again at start.
#
# The names GearsBuilder and execute are provided by RedisGears at run time.
# Python 3.7 syntax only (the interpreter bundled with RedisGears 1.2).

import time

DESCRIPTION = 'popupstore-timeseries'
STREAM_PREFIX = 'queue:*'
WINDOW_MS = 5000
RETENTION_MS = 24 * 60 * 60 * 1000
CONTRACT_STREAMS = ('queue:customers', 'queue:orders', 'queue:complete', 'queue:rejected')

# Keyspace events that change a stream's length; only 'xadd' adds entries.
ADDED_EVENT = 'xadd'
LENGTH_EVENTS = ['xadd', 'xdel', 'xtrim', 'del']

# kind -> duplicate policy used both at creation time and on every TS.ADD
DUPLICATE_POLICIES = (
    ('len', 'LAST'),
    ('enqueue', 'SUM'),
)

# Caches of this interpreter; losing them (a restart) only costs a few redundant commands.
_known_series = set()
_filled_window = [0]


def series_key(kind, stream):
    return 'ts:' + kind + ':' + stream


def series_labels(kind, stream):
    return ['app', 'popupstore', 'metric', kind, 'stream', stream]


def window_end(now_ms):
    """End of the 5 s window holding now_ms: the timestamp of that window's samples."""
    return now_ms - now_ms % WINDOW_MS + WINDOW_MS


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


def add_length(stream, stamp):
    key = ensure_series('len', 'LAST', stream)
    execute('TS.ADD', key, stamp, str(execute('XLEN', stream)), 'ON_DUPLICATE', 'LAST')


def add_enqueued(stream, stamp, count):
    key = ensure_series('enqueue', 'SUM', stream)
    execute('TS.ADD', key, stamp, str(count), 'ON_DUPLICATE', 'SUM')


def fill_window(end, stamp):
    """First event of a window: one point per contract series, so no series skips a window."""
    if _filled_window[0] == end:
        return
    for stream in CONTRACT_STREAMS:
        add_length(stream, stamp)
        add_enqueued(stream, stamp, 0)
    _filled_window[0] = end


def on_stream_event(record):
    """record: {'key': <stream>, 'event': <keyspace event>} (readValue=False)."""
    stream = record['key']
    end = window_end(int(time.time() * 1000))
    stamp = str(end)
    fill_window(end, stamp)
    if record['event'] == ADDED_EVENT:
        add_enqueued(stream, stamp, 1)
    add_length(stream, stamp)


builder = GearsBuilder('KeysReader', desc=DESCRIPTION)
builder.foreach(on_stream_event)
builder.register(prefix=STREAM_PREFIX,
                 eventTypes=LENGTH_EVENTS,
                 readValue=False,
                 mode='sync')
