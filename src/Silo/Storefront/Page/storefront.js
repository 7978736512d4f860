// The storefront page: the sale's figures (GET /api/sale, then the live feed), a countdown on the
// server's clock, and Buy. Every order gets a fresh id; a lost connection or a 503 sends the same id
// again, which the server answers once, so a retry never buys twice.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const els = {
    state: $('state'), countdownLabel: $('countdown-label'), countdown: $('countdown'),
    unitsLeft: $('units-left'), unitsWords: $('units-words'), bar: $('units-bar'), fill: $('units-fill'),
    unitsLive: $('units-live'), form: $('buy-form'), customer: $('customer'), buy: $('buy'), answer: $('answer'),
  };
  const storageKey = 'popupstore.customer';
  let sale = null;
  let clockOffset = 0;
  let lastAnnounced = null;

  const randomHex = (bytes) => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');

  function loadCustomer() {
    let id = null;
    try { id = localStorage.getItem(storageKey); } catch { /* storage may be off */ }
    if (!id) {
      id = 'buyer-' + randomHex(6);
      saveCustomer(id);
    }
    els.customer.value = id;
  }

  function saveCustomer(id) {
    try { localStorage.setItem(storageKey, id); } catch { /* storage may be off */ }
  }

  const stateWords = {
    open: 'The sale is open',
    'sold-out': 'Sold out',
    closed: 'The sale is over',
    scheduled: 'The sale opens soon',
    none: 'No sale right now',
  };

  function showSale(view) {
    sale = view;
    clockOffset = view.serverTime - Date.now();
    els.state.textContent = stateWords[view.state] || view.state;
    els.unitsLeft.textContent = view.available.toLocaleString('en');
    els.unitsWords.textContent = (view.available === 1 ? 'unit left' : 'units left') + ' of ' + view.units.toLocaleString('en');
    els.bar.setAttribute('aria-valuemax', String(view.units));
    els.bar.setAttribute('aria-valuenow', String(view.available));
    els.fill.style.width = view.units > 0 ? (100 * view.available / view.units) + '%' : '0';
    els.buy.disabled = view.state !== 'open';
    // Announce the count to screen readers only now and then, not at every change of a busy sale.
    if (lastAnnounced === null || Math.abs(lastAnnounced - view.available) >= Math.max(1, view.units / 10) || view.available === 0) {
      lastAnnounced = view.available;
      els.unitsLive.textContent = view.available + ' units left';
    }
    tick();
  }

  function formatSpan(ms) {
    const total = Math.max(0, Math.floor(ms / 1000));
    const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    const two = (n) => String(n).padStart(2, '0');
    return (h > 0 ? h + ':' + two(m) : String(m)) + ':' + two(s);
  }

  function tick() {
    if (!sale) { return; }
    const now = Date.now() + clockOffset;
    if (sale.state === 'scheduled') {
      els.countdownLabel.textContent = 'Opens in';
      els.countdown.textContent = formatSpan(sale.opens - now);
    } else if (sale.state === 'open' || sale.state === 'sold-out') {
      els.countdownLabel.textContent = 'Closes in';
      els.countdown.textContent = formatSpan(sale.closes - now);
    } else {
      els.countdownLabel.textContent = 'Time left';
      els.countdown.textContent = '0:00';
    }
  }

  async function loadSale() {
    try {
      const response = await fetch('/api/sale', { headers: { Accept: 'application/json' } });
      if (response.ok) { showSale(await response.json()); }
    } catch { /* the live feed below tries again by itself */ }
    const feed = new EventSource('/api/sale/events');
    feed.addEventListener('sale', (event) => showSale(JSON.parse(event.data)));
  }

  const outcomeWords = {
    complete: (a) => ['good', 'It\u2019s yours! Order ' + a.order + ' is confirmed.'],
    duplicate: () => ['bad', 'You already have one: it\u2019s one per customer.'],
    'sold-out': () => ['bad', 'Sorry, sold out: every unit has gone.'],
    closed: () => ['bad', 'The sale isn\u2019t open right now.'],
    invalid: () => ['bad', 'We couldn\u2019t read that order.'],
  };

  function say(kind, text) {
    els.answer.className = 'answer ' + kind;
    els.answer.textContent = text;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function problemText(response, fallback) {
    try { return (await response.json()).detail || fallback; } catch { return fallback; }
  }

  async function follow(location) {
    for (let i = 0; i < 120; i++) {
      await sleep(1000);
      try {
        const response = await fetch(location, { headers: { Accept: 'application/json' } });
        if (response.status === 200) { return response; }
        // Unknown after it was taken: the Redis primary that took it died first. Send it again, same id.
        if (response.status === 404) { return 'resend'; }
      } catch { /* keep following */ }
    }
    return null;
  }

  async function buy(customer) {
    const order = 'web-' + randomHex(16);
    const body = JSON.stringify({ customer, order });
    for (let attempt = 1; attempt <= 4; attempt++) {
      let response;
      try {
        response = await fetch('/api/orders', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body,
        });
      } catch {
        say('wait', 'Connection lost; trying again with the same order\u2026');
        await sleep(1000 * attempt);
        continue;
      }

      if (response.status === 202) {
        say('wait', 'Your order is in the queue; waiting for the answer\u2026');
        response = await follow(response.headers.get('Location'));
        if (response === 'resend') { continue; }
        if (!response) { say('wait', 'Still no answer. Your order ' + order + ' is queued; please check again later.'); return; }
      }

      if (response.status === 200) {
        const answer = await response.json();
        const words = outcomeWords[answer.outcome];
        const [kind, text] = words ? words(answer) : ['bad', answer.detail];
        say(kind, text);
        return;
      }

      if (response.status === 503) {
        await sleep(1000 * attempt);
        continue;
      }

      if (response.status === 429) {
        const seconds = response.headers.get('Retry-After') || '1';
        say('bad', 'Too many tries. Please wait ' + seconds + ' s and press Buy again.');
        return;
      }

      say('bad', await problemText(response, 'The order was refused (' + response.status + ').'));
      return;
    }
    say('bad', 'The store could not take your order; please try again.');
  }

  els.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const customer = els.customer.value.trim();
    if (!customer) {
      say('bad', 'Enter a customer id first.');
      els.customer.focus();
      return;
    }
    saveCustomer(customer);
    els.buy.disabled = true;
    say('wait', 'Placing your order\u2026');
    try {
      await buy(customer);
    } finally {
      els.buy.disabled = !sale || sale.state !== 'open';
    }
  });

  loadCustomer();
  loadSale();
  setInterval(tick, 1000);
})();
