# The seed demo's order processing (a RedisGears StreamReader on queue:orders), made correct, for the
# benchmark's `seed-gears` row: it is what the Orleans cluster is measured against.
# The seed answered every order with XADD queue:complete + DECR product, whatever the stock or the
# customer. Here each order gets one answer under the same rules and keys as complete_orders.lua: an
# order (a customer with an order id) is answered once (sale:answered), a customer buys at most once (sale:buyers), product never
# goes below zero, and an order is judged by its arrival (entry id) against the sale window.
# Each record is answered inside atomic(), so no other client sees half an answer.

def answer_field(customer, order):
    # The field complete_orders.lua uses: '<bytes of the customer id>:<customer id>:<order id>'.
    return str(len(customer.encode('utf-8'))) + ':' + customer + ':' + order


def answer(record):
    entry = record['id']
    fields = record['value']
    order = fields.get('id') or entry
    customer = fields.get('customer') or ''
    ticket = fields.get('ticket') or ''
    with atomic():
        if ticket:
            execute('XDEL', 'queue:customers', ticket)
        if execute('HEXISTS', 'sale:answered', answer_field(customer, order)) == 1:
            return
        if not fields.get('id') or not customer:
            reject(order, customer, entry, 'invalid', 'missing order or customer id')
            return
        opens, closes, closed_at = execute('HMGET', 'sale', 'opens', 'closes', 'closed')
        arrived = int(entry.split('-')[0])
        if opens is None or closes is None:
            reject(order, customer, entry, 'closed', 'no sale has started')
            return
        if arrived < int(opens):
            reject(order, customer, entry, 'closed', 'arrived before the sale opened')
            return
        if arrived >= int(closes) or (closed_at is not None and arrived >= int(closed_at)):
            reject(order, customer, entry, 'closed', 'arrived after the sale window ended')
            return
        bought_with = execute('HGET', 'sale:buyers', customer)
        if bought_with is not None:
            reject(order, customer, entry, 'duplicate', 'customer already bought with order ' + bought_with)
            return
        if int(execute('GET', 'product') or 0) <= 0:
            reject(order, customer, entry, 'sold-out', '')
            return
        execute('DECR', 'product')
        execute('HSET', 'sale:buyers', customer, order)
        execute('XADD', 'queue:complete', '*', 'order', order, 'customer', customer, 'ticket', ticket, 'entry', entry)
        execute('HSET', 'sale:answered', answer_field(customer, order), 'complete')
        execute('HINCRBY', 'sale:counts', 'completed', 1)


def reject(order, customer, entry, reason, detail):
    execute('XADD', 'queue:rejected', '*', 'order', order, 'customer', customer, 'reason', reason, 'detail', detail, 'entry', entry)
    execute('HSET', 'sale:answered', answer_field(customer, order), reason)
    execute('HINCRBY', 'sale:counts', 'rejected:' + reason, 1)


GB('StreamReader', desc='popupstore-seed-orders').foreach(answer).register(
    prefix='queue:orders', batch=500, duration=1, trimStream=True)
