// EventDesk scanner: reads ticket QR codes (camera or hardware scanner), asks the server, and
// shows its answer full-screen with a sound and a vibration. The server judges every scan;
// this script only presents. When the server cannot be reached, scans and walk-ins wait in
// a queue on the phone (IndexedDB; no personal data) and go up in batches when it is back.
// Each queued item keeps its client scan id, so a batch sent twice is still counted once.
(function () {
  'use strict';

  function $(id) { return document.getElementById(id); }
  function readJSON(id) { return JSON.parse($(id).textContent); }
  function noop() {}

  var CONFIG = readJSON('scanner-config');
  var T = readJSON('scanner-strings');
  var body = document.body;
  var TOKEN_SHAPE = new RegExp('^(?:' + CONFIG.token_pattern + ')$');
  var DIRECTION_KEY = CONFIG.storage_key + '.direction';
  var SUNLIGHT_KEY = CONFIG.storage_key + '.sunlight';

  // A code still in view within this time is the same presentation, not a new scan.
  var HOLD_MS = 1500;
  // Two different codes from the camera are at least this far apart (the answer stays readable).
  var MIN_GAP_MS = 600;
  var DECODE_EVERY_MS = 100;
  // Camera frames are scaled down to this many pixels on their long side before decoding.
  var DECODE_MAX_SIDE = 800;
  // Hardware scanners type a whole code in a burst of fast keystrokes ending in Enter.
  var WEDGE_GAP_MS = 80;
  var WEDGE_MIN_LENGTH = 6;
  var RETRY_FIRST_MS = 3000;
  var RETRY_MAX_MS = 30000;
  var BATCH_TIMEOUT_MS = 30000;
  var COUNTS_EVERY_MS = 30000;
  var idleOverride = Number(new URLSearchParams(location.search).get('idle'));
  var IDLE_MS = (idleOverride > 0 ? idleOverride : CONFIG.idle_seconds) * 1000;

  var state = {
    device: null,
    direction: 'in',
    offline: false,
    waiting: 0,
    busy: 0,
    handled: 0,
    decoded: 0,
    synced: 0,
    lastCounts: null
  };

  function fmt(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (match, key) {
      return values && values[key] !== undefined ? values[key] : match;
    });
  }

  function setData(name, value) { body.setAttribute('data-' + name, String(value)); }

  // The clock time in an RFC 3339 time from the server (the event's own time zone).
  function clock(iso) {
    var match = /T(\d{2}:\d{2})/.exec(iso || '');
    return match ? match[1] : '';
  }

  function localClock(iso) {
    var date = new Date(iso);
    return isNaN(date.getTime()) ? '' : date.toTimeString().slice(0, 5);
  }

  // -- the device's access, kept by the enrolment page -------------------------------------

  function loadDevice() {
    try {
      var device = JSON.parse(localStorage.getItem(CONFIG.storage_key) || 'null');
      return device && device.token && device.activity ? device : null;
    } catch (e) {
      return null;
    }
  }

  function newScanId() {
    var cryptoApi = window.crypto;
    if (cryptoApi && cryptoApi.randomUUID) {
      try { return cryptoApi.randomUUID(); } catch (e) { /* not a secure context */ }
    }
    var bytes = new Uint8Array(16);
    if (cryptoApi && cryptoApi.getRandomValues) {
      cryptoApi.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = [];
    for (var j = 0; j < 16; j++) hex.push((bytes[j] + 0x100).toString(16).slice(1));
    return [hex.slice(0, 4).join(''), hex.slice(4, 6).join(''), hex.slice(6, 8).join(''),
      hex.slice(8, 10).join(''), hex.slice(10).join('')].join('-');
  }

  var seqCounter = 0;
  function nextSeq() {
    seqCounter = (seqCounter + 1) % 1000;
    return Date.now() * 1000 + seqCounter;
  }

  // -- the offline queue ------------------------------------------------------------------
  // Items: {id: client scan id, seq, auth: the bearer token it was made with, kind, body}.
  // The body is exactly what the API is sent: a ticket token, code or registration id,
  // where and when; never a name or a phone number.

  var queue = (function () {
    var DB_NAME = 'eventdesk-scanner';
    var STORE = 'queue';
    var FALLBACK_KEY = CONFIG.storage_key + '.queue';
    var backend = null;

    function openDb() {
      return new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error('no IndexedDB')); return; }
        var request;
        try { request = indexedDB.open(DB_NAME, 1); } catch (e) { reject(e); return; }
        request.onupgradeneeded = function () {
          request.result.createObjectStore(STORE, { keyPath: 'id' });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }

    // Where IndexedDB is missing or refused (some private modes), localStorage keeps the queue.
    function ready() {
      if (!backend) {
        backend = openDb().then(function (db) { return { db: db }; }, function () { return { db: null }; });
      }
      return backend;
    }

    function run(mode, work) {
      return ready().then(function (b) {
        return new Promise(function (resolve, reject) {
          var tx = b.db.transaction(STORE, mode);
          var request = work(tx.objectStore(STORE));
          tx.oncomplete = function () { resolve(request ? request.result : undefined); };
          tx.onerror = tx.onabort = function () { reject(tx.error); };
        });
      });
    }

    function readFallback() {
      try { return JSON.parse(localStorage.getItem(FALLBACK_KEY) || '[]'); } catch (e) { return []; }
    }

    function writeFallback(items) {
      localStorage.setItem(FALLBACK_KEY, JSON.stringify(items));
    }

    function bySeq(items) {
      return (items || []).sort(function (a, b) { return a.seq - b.seq; });
    }

    return {
      add: function (item) {
        return ready().then(function (b) {
          if (b.db) return run('readwrite', function (store) { return store.put(item); });
          var items = readFallback().filter(function (other) { return other.id !== item.id; });
          items.push(item);
          writeFallback(items);
        });
      },
      all: function () {
        return ready().then(function (b) {
          if (b.db) return run('readonly', function (store) { return store.getAll(); }).then(bySeq);
          return bySeq(readFallback());
        });
      },
      count: function () {
        return ready().then(function (b) {
          if (b.db) return run('readonly', function (store) { return store.count(); });
          return readFallback().length;
        });
      },
      remove: function (ids) {
        return ready().then(function (b) {
          if (b.db) {
            return run('readwrite', function (store) {
              ids.forEach(function (id) { store.delete(id); });
              return null;
            });
          }
          writeFallback(readFallback().filter(function (item) { return ids.indexOf(item.id) === -1; }));
        });
      },
      clear: function () {
        return ready().then(function (b) {
          localStorage.removeItem(FALLBACK_KEY);
          if (b.db) return run('readwrite', function (store) { return store.clear(); });
        });
      }
    };
  })();

  // -- talking to the server ----------------------------------------------------------------

  // Resolves {status, ok, data} for any HTTP answer; rejects when nothing came back in time.
  function api(method, url, payload, auth, timeoutMs) {
    var controller = window.AbortController ? new AbortController() : null;
    var options = {
      method: method,
      headers: {
        'Accept': 'application/json',
        'Accept-Language': document.documentElement.lang || 'zh-CN',
        'Authorization': 'Bearer ' + auth
      },
      credentials: 'omit',
      cache: 'no-store'
    };
    if (payload !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(payload);
    }
    if (controller) options.signal = controller.signal;
    var timer = null;
    var answered = fetch(url, options).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        return { status: response.status, ok: response.ok, data: data || {} };
      });
    });
    var timedOut = new Promise(function (resolve, reject) {
      timer = setTimeout(function () {
        if (controller) controller.abort();
        reject(new Error('timeout'));
      }, timeoutMs);
    });
    return Promise.race([answered, timedOut]).then(function (result) {
      clearTimeout(timer);
      return result;
    }, function (error) {
      clearTimeout(timer);
      throw error;
    });
  }

  function errorMessage(data) {
    return (data && data.error && data.error.message) || T.error;
  }

  // -- sound and vibration ------------------------------------------------------------------

  var audio = null;
  function unlockAudio() {
    var AudioContextClass = window.AudioContext || window.webkitAudioContext;
    if (!AudioContextClass) return;
    if (!audio) {
      try { audio = new AudioContextClass(); } catch (e) { return; }
    }
    if (audio.state === 'suspended' && audio.resume) audio.resume().catch(noop);
  }

  // [frequency Hz, seconds, wave, pause after]
  var SOUNDS = {
    green: [[880, 0.09, 'sine', 0.03], [1320, 0.14, 'sine', 0]],
    amber: [[620, 0.13, 'triangle', 0.09], [620, 0.13, 'triangle', 0]],
    red: [[196, 0.5, 'square', 0]],
    saved: [[520, 0.18, 'triangle', 0]]
  };
  var VIBRATIONS = { green: [70], amber: [90, 70, 90], red: [350, 120, 350], saved: [60, 60, 60] };

  function signal(kind) {
    if (navigator.vibrate) {
      try { navigator.vibrate(VIBRATIONS[kind]); } catch (e) { /* not allowed before a tap */ }
    }
    if (!audio) unlockAudio();
    if (!audio || audio.state !== 'running') return;
    var at = audio.currentTime + 0.02;
    SOUNDS[kind].forEach(function (tone) {
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.type = tone[2];
      oscillator.frequency.value = tone[0];
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.35, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + tone[1]);
      oscillator.connect(gain);
      gain.connect(audio.destination);
      oscillator.start(at);
      oscillator.stop(at + tone[1] + 0.02);
      at += tone[1] + tone[3];
    });
  }

  // -- showing answers ----------------------------------------------------------------------

  var answerEl = $('answer');
  var answerTimer = null;
  var answerSeq = 0;

  function present(view) {
    answerSeq += 1;
    answerEl.setAttribute('data-seq', String(answerSeq));
    answerEl.setAttribute('data-result', view.result);
    answerEl.setAttribute('data-reason', view.reason || '');
    answerEl.setAttribute('data-color', view.color);
    $('answer-title').textContent = view.title || '';
    $('answer-name').textContent = view.name || '';
    $('answer-category').textContent = view.category || '';
    $('answer-message').textContent = view.message || '';
    $('answer-extra').textContent = view.extra || '';
    answerEl.hidden = false;
    signal(view.sound || view.color);
    clearTimeout(answerTimer);
    answerTimer = setTimeout(hideAnswer, view.color === 'green' ? 2000 : 4500);
  }

  function hideAnswer() {
    clearTimeout(answerTimer);
    answerEl.hidden = true;
  }

  function categoryLabel(code) {
    return code ? (T.categories[code] || code) : '';
  }

  function presentAnswer(data, sent) {
    var result = data.result;
    var color = result === 'accepted' ? 'green' : (result === 'duplicate' ? 'amber' : 'red');
    var title = T.rejected;
    if (result === 'accepted') {
      title = sent.booth_id ? T.accepted_booth : (sent.direction === 'out' ? T.accepted_out : T.accepted_in);
    } else if (result === 'duplicate') {
      title = T.duplicate;
    }
    var person = data.person || {};
    var extra = [];
    if (data.first_seen) {
      extra.push(fmt(T.first_seen, { time: clock(data.first_seen.at), device: data.first_seen.device || '' }));
    }
    if (data.expected_activity) {
      extra.push(fmt(T.expected_activity, { name: data.expected_activity.name }));
    }
    present({
      result: result,
      reason: data.reason,
      color: color,
      title: title,
      name: person.name_masked,
      category: categoryLabel(person.category),
      message: data.message,
      extra: extra.join(' · ')
    });
  }

  function presentError(message, reason) {
    present({ result: 'error', reason: reason || '', color: 'red', title: T.error, message: message });
  }

  var toastEl = $('toast');
  var toastTimer = null;
  function toast(text, color) {
    toastEl.textContent = text;
    toastEl.setAttribute('data-color', color || '');
    toastEl.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toastEl.hidden = true; }, 2500);
  }

  // -- counts, connection state, the waiting queue ----------------------------------------

  function setCount(slot, value, label) {
    $('count-' + slot).textContent = value === undefined || value === null ? '–' : String(value);
    $('count-' + slot + '-label').textContent = label;
  }

  // `askedAt`: when a refresh asked for these counts. An answer to a scan is newer than any
  // refresh asked before it arrived, so a refresh that answers late is not shown over it.
  function renderCounts(counts, askedAt) {
    if (counts) {
      if (askedAt !== undefined && askedAt < (state.countsAsOf || 0)) return;
      state.countsAsOf = askedAt !== undefined ? askedAt : Date.now();
      state.lastCounts = counts;
    }
    var c = state.lastCounts || {};
    var booth = state.device.booth;
    if (booth) {
      var here = null;
      (c.booths || []).forEach(function (b) { if (b.id === booth.id) here = b; });
      setCount(1, here ? here.visits : (counts ? 0 : null), T.visits_here);
      setCount(2, here ? here.walk_ins : (counts ? 0 : null), T.walk_ins_here);
      setCount(3, c.checked_in, T.checked_in);
    } else {
      setCount(1, c.checked_in, T.checked_in);
      setCount(2, c.inside, T.inside);
      setCount(3, c.walk_ins, T.walk_ins);
    }
  }

  var netEl = $('net');
  function setOffline(offline) {
    state.offline = offline;
    netEl.setAttribute('data-state', offline ? 'offline' : 'online');
    netEl.textContent = offline ? T.offline : T.online;
    setData('online', offline ? 'no' : 'yes');
    if (offline) scheduleRetry();
  }

  function refreshWaiting() {
    return queue.count().then(function (n) {
      state.waiting = n;
      setData('waiting', n);
      $('queue').hidden = n === 0;
      $('queue').setAttribute('data-count', String(n));
      $('queue-text').textContent = fmt(T.waiting, { n: n });
    }, noop);
  }

  var problemEl = $('credential-problem');
  function credentialRefused(data) {
    var error = (data && data.error) || {};
    setData('credential', error.code || 'unauthorized');
    problemEl.textContent = errorMessage(data) + (state.waiting ? ' ' + T.keep_queue : '');
    problemEl.hidden = false;
  }

  // -- scans and walk-ins -------------------------------------------------------------------

  var chain = Promise.resolve();

  function place(fields) {
    if (state.device.booth) {
      fields.booth_id = state.device.booth.id;
    } else if (fields.kind !== 'walkin') {
      fields.direction = state.direction;
    }
    return fields;
  }

  function submit(kind, fields) {
    if (!state.device) return;
    state.handled += 1;
    setData('handled', state.handled);
    var item = { id: fields.client_scan_id, seq: nextSeq(), auth: state.device.token, kind: kind, body: fields };
    state.busy += 1;
    chain = chain.then(function () { return send(item); }).catch(noop).then(function () { state.busy -= 1; });
  }

  function scanText(text) {
    text = String(text).trim();
    if (!text) return;
    submit('ticket', place({ client_scan_id: newScanId(), token: text, scanned_at: new Date().toISOString() }));
  }

  function scanRegistration(registrationId) {
    submit('ticket', place({
      client_scan_id: newScanId(), registration_id: registrationId, scanned_at: new Date().toISOString()
    }));
  }

  function scanTicketCode(code) {
    submit('ticket', place({ client_scan_id: newScanId(), ticket_code: code, scanned_at: new Date().toISOString() }));
  }

  function walkIn() {
    var fields = place({ kind: 'walkin', client_scan_id: newScanId(), count: 1, scanned_at: new Date().toISOString() });
    submit('walkin', fields);
  }

  // The token a scanned text carries: the last part of a URL's path, or the text itself.
  function ticketToken(text) {
    text = String(text).trim();
    if (text.indexOf('/') === -1) return text;
    var path = text;
    try { path = new URL(text, location.href).pathname; } catch (e) { /* keep the text */ }
    path = path.replace(/\/+$/, '');
    return path.slice(path.lastIndexOf('/') + 1);
  }

  function looksLikeTicket(text) {
    return TOKEN_SHAPE.test(ticketToken(text));
  }

  function send(item) {
    if (state.offline) return saveForLater(item);
    if (item.kind === 'action') return sendAction(item);
    var url = item.kind === 'walkin' ? CONFIG.api.walkin : CONFIG.api.scan;
    lastAttemptAt = Date.now();
    return api('POST', url, item.body, item.auth, CONFIG.request_timeout_ms).then(function (res) {
      if (res.status >= 500) return saveForLater(item, true);
      if (res.status === 401) {
        credentialRefused(res.data);
        presentError(errorMessage(res.data), (res.data.error || {}).code);
        return null;
      }
      if (!res.ok) {
        presentError(errorMessage(res.data), (res.data.error || {}).code);
        return null;
      }
      setOffline(false);
      renderCounts(res.data.counts);
      if (item.kind === 'walkin') {
        toast(T.walkin_counted, 'green');
        signal('green');
      } else {
        presentAnswer(res.data, item.body);
        if (res.data.result !== 'rejected') {
          var name = (res.data.person || {}).name_masked;
          actions.ready.then(function () { offerActionsFor(item.body, name); });
        }
      }
      if (res.data.result === 'accepted' && res.data.scan_id) {
        offerUndo(res.data.scan_id, item.kind === 'walkin' ? T.walkin : (res.data.person || {}).name_masked, item.auth);
      }
      if (state.waiting > 0) sync();
      return null;
    }, function () {
      return saveForLater(item, true);
    });
  }

  function saveForLater(item, justFailed) {
    if (justFailed) setOffline(true);
    // Offline, only what can be a ticket is kept: a foreign QR code (a contact card, a link)
    // may hold personal data and is never stored on the phone.
    if (item.body.token !== undefined && !looksLikeTicket(item.body.token)) {
      present({ result: 'rejected', reason: 'not_saved', color: 'red', title: T.rejected, message: T.not_a_ticket });
      return null;
    }
    return queue.add(item).then(function () {
      refreshWaiting();
      if (item.kind === 'walkin') {
        toast(T.walkin_saved, 'amber');
        signal('saved');
      } else if (item.kind === 'action') {
        toast(T.action_saved, 'amber');
        signal('saved');
      } else {
        present({ result: 'queued', color: 'amber', sound: 'saved', title: T.queued, message: T.queued_detail });
        actions.ready.then(function () { offerActionsFor(item.body, ''); });
      }
      // A volunteer at work tries the server again as soon as the back-off allows, rather
      // than only when the timer comes round.
      if (Date.now() - lastAttemptAt > retryDelay) {
        sync();
      } else {
        scheduleRetry();
      }
    }, function () {
      presentError(T.not_saved);
    });
  }

  // -- undoing the last scan (a ticket read by mistake, a walk-in tapped twice) -------------

  var undoEl = $('undo');
  var undoTarget = null;

  function offerUndo(scanId, name, auth, actionId) {
    undoTarget = { scanId: scanId, actionId: actionId, name: name || '', auth: auth };
    undoEl.textContent = fmt(T.undo, { name: undoTarget.name });
    undoEl.hidden = false;
  }

  function undoLast() {
    var target = undoTarget;
    if (!target) return;
    var url;
    var payload;
    if (target.actionId) {
      // An action is taken back with a reason, which the organizers read later.
      var reason = window.prompt(fmt(T.undo_reason, { name: target.name }), '');
      if (reason === null || !reason.trim()) return;
      url = CONFIG.api.action_void.replace('/0/', '/' + target.actionId + '/');
      payload = { reason: reason.trim() };
    } else {
      if (!window.confirm(fmt(T.undo_confirm, { name: target.name }))) return;
      url = CONFIG.api.void.replace('/0/', '/' + target.scanId + '/');
      payload = { client_scan_id: newScanId() };
    }
    undoEl.hidden = true;
    undoTarget = null;
    api('POST', url, payload, target.auth, CONFIG.request_timeout_ms).then(function (res) {
      if (!res.ok) {
        presentError(errorMessage(res.data), (res.data.error || {}).code);
        return;
      }
      renderCounts(res.data.counts);
      toast(T.undone, 'amber');
      signal('saved');
    }, function () {
      presentError(T.undo_offline);
    });
  }

  // -- actions: what a booth records beyond a scan ---------------------------------------------
  // The server describes each booth's actions and their fields (GET …/actions); this draws
  // them without knowing any activity kind. Recorded actions carry a client action id and wait
  // in the queue like scans when the server cannot be reached.

  // `ready` settles once the booth's actions are known (from the phone, then the server).
  var actions = { list: [], person: null, current: null, ready: Promise.resolve() };
  var actionsEl = $('actions');
  var sheetEl = $('action-sheet');

  function actionsKey() {
    var device = state.device;
    return CONFIG.storage_key + '.actions.' + device.activity.id + '.' + (device.booth ? device.booth.id : 0);
  }

  function actionsUrl() {
    return CONFIG.api.activities + '/' + state.device.activity.id + '/actions';
  }

  function loadActions() {
    try { actions.list = JSON.parse(localStorage.getItem(actionsKey()) || '[]') || []; } catch (e) { actions.list = []; }
    renderMoreButton();
    return api('GET', actionsUrl(), undefined, state.device.token, CONFIG.request_timeout_ms).then(function (res) {
      if (!res.ok || !Array.isArray(res.data.actions)) return;
      actions.list = res.data.actions;
      // Actions that name no ticket pick among people's records (applications, questions): their
      // choices are asked afresh each time and never kept on the phone.
      var kept = actions.list.filter(function (action) { return action.ticket !== 'none'; });
      try { localStorage.setItem(actionsKey(), JSON.stringify(kept)); } catch (e) { /* asked again next time */ }
      renderMoreButton();
    }, noop);
  }

  function renderMoreButton() {
    $('more-actions').hidden = !actions.list.some(function (action) { return action.ticket !== 'required'; });
  }

  // The person just scanned: the booth's actions for them, until the next scan.
  function offerActionsFor(sent, name) {
    var offered = actions.list.filter(function (action) { return action.ticket !== 'none'; });
    if (!offered.length || (!sent.booth_id && state.device.booth)) return;
    var ticket = {};
    ['token', 'registration_id', 'ticket_code'].forEach(function (key) {
      if (sent[key] !== undefined) ticket[key] = sent[key];
    });
    actions.person = { ticket: ticket, name: name || '' };
    $('actions-for').textContent = fmt(T.actions_for, { name: actions.person.name || T.this_person });
    var buttons = $('action-buttons');
    buttons.textContent = '';
    offered.forEach(function (action) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'action-button';
      button.setAttribute('data-action', action.name);
      button.textContent = action.label;
      button.addEventListener('click', function () { openAction(action, actions.person); });
      buttons.appendChild(button);
    });
    actionsEl.hidden = false;
  }

  function chooseWithoutTicket() {
    var offered = actions.list.filter(function (action) { return action.ticket !== 'required'; });
    if (offered.length === 1) { openAction(offered[0], null); return; }
    var buttons = $('action-fields');
    openSheet(T.record_without_ticket, '');
    offered.forEach(function (action) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'action-button';
      button.textContent = action.label;
      button.addEventListener('click', function () { openAction(action, null); });
      buttons.appendChild(button);
    });
    $('action-save').hidden = true;
  }

  function openSheet(title, person) {
    $('action-sheet-title').textContent = title;
    $('action-sheet-person').textContent = person;
    $('action-fields').textContent = '';
    $('action-error').hidden = true;
    $('action-save').hidden = false;
    sheetEl.hidden = false;
  }

  function closeSheet() {
    sheetEl.hidden = true;
    actions.current = null;
  }

  function openAction(action, person) {
    if (action.ticket === 'none') {
      // Its choices are people's records: asked now, online only.
      if (state.offline) { presentError(T.action_needs_connection); return; }
      var url = actionsUrl() + (state.device.booth ? '?booth_id=' + state.device.booth.id : '');
      api('GET', url, undefined, state.device.token, CONFIG.request_timeout_ms).then(function (res) {
        var fresh = (res.data.actions || []).filter(function (a) { return a.name === action.name; })[0];
        if (!res.ok || !fresh) { presentError(errorMessage(res.data)); return; }
        drawAction(fresh, null);
      }, function () {
        setOffline(true);
        presentError(T.action_needs_connection);
      });
      return;
    }
    drawAction(action, person);
  }

  function drawAction(action, person) {
    openSheet(action.label, person ? fmt(T.actions_for, { name: person.name || T.this_person }) : '');
    actions.current = { action: action, person: person, values: {} };
    var container = $('action-fields');
    action.fields.forEach(function (field) { container.appendChild(drawField(field)); });
    var first = container.querySelector('input, select, textarea, button');
    if (first) first.focus();
  }

  // One input per field type; a short choice is a row of big buttons (one tap).
  function drawField(field) {
    var wrap = document.createElement('div');
    wrap.className = 'action-field';
    wrap.setAttribute('data-field', field.name);
    var label = document.createElement('label');
    var id = 'action-field-' + field.name;
    label.setAttribute('for', id);
    label.textContent = field.label + (field.required ? '' : ' ' + T.optional);
    wrap.appendChild(label);
    var input;
    var choices = field.choices || [];
    if (field.type === 'choice' && choices.length <= 6) {
      input = document.createElement('div');
      input.className = 'choice-buttons';
      input.setAttribute('role', 'group');
      choices.forEach(function (choice) {
        var button = document.createElement('button');
        button.type = 'button';
        button.className = 'choice';
        button.setAttribute('aria-pressed', 'false');
        button.setAttribute('data-value', choice.value);
        button.textContent = choice.label;
        button.addEventListener('click', function () { pickChoice(field, choice.value, input); });
        input.appendChild(button);
      });
      label.removeAttribute('for');
      input.setAttribute('aria-label', field.label);
    } else if (field.type === 'choice') {
      input = document.createElement('select');
      var none = document.createElement('option');
      none.value = '';
      none.textContent = T.choose;
      input.appendChild(none);
      choices.forEach(function (choice) {
        var option = document.createElement('option');
        option.value = choice.value;
        option.textContent = choice.label;
        input.appendChild(option);
      });
    } else if (field.type === 'boolean') {
      input = document.createElement('input');
      input.type = 'checkbox';
      wrap.className += ' is-boolean';
    } else if (field.type === 'image') {
      // A signature: drawn on a pad (signature-pad.js), sent as a PNG data URL.
      input = document.createElement('input');
      input.type = 'hidden';
      label.removeAttribute('for');
    } else {
      input = document.createElement(field.type === 'text' && field.max_length > 200 ? 'textarea' : 'input');
      if (field.type === 'number') {
        input.type = 'number';
        input.inputMode = 'numeric';
        input.min = field.minimum;
        input.max = field.maximum;
      } else if (field.type === 'date') {
        input.type = 'date';
      } else {
        if (input.tagName === 'INPUT') input.type = 'text';
        input.maxLength = field.max_length || 200;
      }
    }
    input.id = id;
    input.setAttribute('data-input', field.name);
    wrap.appendChild(input);
    if (field.type === 'image' && window.EventDeskSignaturePad) {
      input.setAttribute('data-label', field.label);
      window.EventDeskSignaturePad.attach(input);
    }
    return wrap;
  }

  function pickChoice(field, value, group) {
    actions.current.values[field.name] = value;
    var buttons = group.querySelectorAll('button');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute('aria-pressed', buttons[i].getAttribute('data-value') === value ? 'true' : 'false');
    }
    // The only thing to say is said: record at once (two taps from the scan).
    var required = actions.current.action.fields.filter(function (f) { return f.required; });
    var others = actions.current.action.fields.filter(function (f) { return f.name !== field.name; });
    if (required.length === 1 && required[0].name === field.name && !others.length) saveAction();
  }

  function readValues() {
    var current = actions.current;
    var values = {};
    var missing = null;
    current.action.fields.forEach(function (field) {
      var value;
      var input = sheetEl.querySelector('[data-input="' + field.name + '"]');
      if (field.type === 'choice' && input && input.tagName === 'DIV') {
        value = current.values[field.name];
      } else if (field.type === 'boolean') {
        value = !!(input && input.checked);
      } else if (input) {
        value = input.value.trim();
        if (field.type === 'number' && value !== '') value = Number(value);
      }
      if (value === undefined || value === '' || (typeof value === 'number' && isNaN(value))) {
        if (field.required && !missing) missing = field;
        return;
      }
      values[field.name] = value;
    });
    return { values: values, missing: missing };
  }

  function showActionError(text) {
    var error = $('action-error');
    error.textContent = text;
    error.hidden = false;
  }

  function saveAction(event) {
    if (event) event.preventDefault();
    var current = actions.current;
    if (!current) return;
    var read = readValues();
    if (read.missing) { showActionError(fmt(T.fill_in, { label: read.missing.label })); return; }
    var body = { client_action_id: newScanId(), fields: read.values, recorded_at: new Date().toISOString() };
    if (state.device.booth) body.booth_id = state.device.booth.id;
    if (current.person) {
      Object.keys(current.person.ticket).forEach(function (key) { body[key] = current.person.ticket[key]; });
    }
    var item = {
      id: body.client_action_id,
      seq: nextSeq(),
      auth: state.device.token,
      kind: 'action',
      url: actionsUrl() + '/' + encodeURIComponent(current.action.name),
      label: current.action.label,
      body: body
    };
    closeSheet();
    state.busy += 1;
    chain = chain.then(function () { return send(item); }).catch(noop).then(function () { state.busy -= 1; });
  }

  function sendAction(item) {
    lastAttemptAt = Date.now();
    return api('POST', item.url, item.body, item.auth, CONFIG.request_timeout_ms).then(function (res) {
      if (res.status >= 500) return saveForLater(item, true);
      if (res.status === 401) {
        credentialRefused(res.data);
        presentError(errorMessage(res.data), (res.data.error || {}).code);
        return null;
      }
      if (!res.ok) {
        presentError(errorMessage(res.data), (res.data.error || {}).code);
        return null;
      }
      setOffline(false);
      renderCounts(res.data.counts);
      toast(fmt(T.action_recorded, { label: item.label }), 'green');
      signal('green');
      offerUndo(null, item.label, item.auth, res.data.action_id);
      if (state.waiting > 0) sync();
      return null;
    }, function () {
      return saveForLater(item, true);
    });
  }

  // -- syncing the queue --------------------------------------------------------------------

  var syncing = null;
  var lastAttemptAt = 0;
  var retryTimer = null;
  var retryDelay = RETRY_FIRST_MS;

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = setTimeout(function () {
      retryTimer = null;
      if (state.waiting > 0) {
        sync();
      } else if (state.offline) {
        refreshCounts();
      }
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  function resetRetry() {
    retryDelay = RETRY_FIRST_MS;
    clearTimeout(retryTimer);
    retryTimer = null;
  }

  // One sync at a time, also across tabs where the browser can say so.
  function exclusively(work) {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request('eventdesk-scanner-sync', work);
    }
    return work();
  }

  function sync() {
    if (syncing) return syncing;
    syncing = exclusively(syncAll).catch(noop).then(function () {
      syncing = null;
      netEl.setAttribute('data-state', state.offline ? 'offline' : 'online');
      return refreshWaiting();
    });
    return syncing;
  }

  // Rounds go on while scans saved during the last one are waiting (and the server answers).
  function syncAll(lock, tried) {
    tried = tried || {};
    return queue.all().then(function (all) {
      var items = all.filter(function (item) { return !tried[item.id]; });
      if (!items.length) return null;
      items.forEach(function (item) { tried[item.id] = true; });
      lastAttemptAt = Date.now();
      netEl.setAttribute('data-state', 'syncing');
      var groups = [];
      var byAuth = {};
      items.forEach(function (item) {
        if (!byAuth[item.auth]) {
          byAuth[item.auth] = { auth: item.auth, items: [] };
          groups.push(byAuth[item.auth]);
        }
        byAuth[item.auth].items.push(item);
      });
      var report = { checked: 0, problems: [], stuck: 0 };
      return groups.reduce(function (previous, group) {
        return previous.then(function (goOn) { return goOn ? sendGroup(group, report) : false; });
      }, Promise.resolve(true)).then(function (goOn) {
        showSyncReport(report);
        if (state.offline || report.failed) {
          scheduleRetry();
          return null;
        }
        return goOn ? syncAll(lock, tried) : null;
      });
    });
  }

  // Items leave the queue only once their answers have arrived: a batch cut off on the way
  // back is sent again, and the server answers the replay without counting it twice.
  function sendGroup(group, report) {
    var current = state.device && group.auth === state.device.token;
    var scans = group.items.filter(function (item) { return item.kind !== 'action'; });
    var recorded = group.items.filter(function (item) { return item.kind === 'action'; });
    // Actions go after the scans they may follow (a visit, then an application).
    function actionsFrom(k) {
      if (k >= recorded.length) return Promise.resolve(true);
      var item = recorded[k];
      return api('POST', item.url, item.body, item.auth, CONFIG.request_timeout_ms).then(function (res) {
        if (res.status >= 500) {
          setOffline(true);
          return false;
        }
        if (res.status === 401) {
          report.stuck += recorded.length - k;
          if (current) credentialRefused(res.data);
          return true;
        }
        return queue.remove([item.id]).then(function () {
          setOffline(false);
          resetRetry();
          report.checked += 1;
          state.synced += 1;
          setData('synced', state.synced);
          if (!res.ok) {
            report.problems.push({
              item: item,
              answer: { result: 'rejected', reason: (res.data.error || {}).code, message: item.label + ': ' + errorMessage(res.data) }
            });
          } else if (current) {
            renderCounts(res.data.counts);
          }
          return refreshWaiting().then(function () { return actionsFrom(k + 1); });
        });
      }, function () {
        setOffline(true);
        return false;
      });
    }
    function from(start) {
      if (start >= scans.length) return actionsFrom(0);
      var chunk = scans.slice(start, start + CONFIG.batch_size);
      var payload = { scans: chunk.map(function (item) { return item.body; }) };
      return api('POST', CONFIG.api.batch, payload, group.auth, BATCH_TIMEOUT_MS).then(function (res) {
        if (res.status >= 500) {
          setOffline(true);
          return false;
        }
        if (res.status === 401) {
          // The access was refused, not the scans: they stay on the phone (a new enrolment
          // does not send them under another device's name); items of other access go on.
          report.stuck += scans.length - start + recorded.length;
          if (current) credentialRefused(res.data);
          return true;
        }
        var results = res.data.results;
        if (!res.ok || !Array.isArray(results) || results.length !== chunk.length) {
          report.failed = true;
          return false;
        }
        return queue.remove(chunk.map(function (item) { return item.id; })).then(function () {
          setOffline(false);
          resetRetry();
          report.checked += chunk.length;
          state.synced += chunk.length;
          setData('synced', state.synced);
          results.forEach(function (answer, k) {
            if (answer.result !== 'accepted') report.problems.push({ item: chunk[k], answer: answer });
          });
          if (current) renderCounts(res.data.counts);
          return refreshWaiting().then(function () { return from(start + chunk.length); });
        });
      }, function () {
        setOffline(true);
        return false;
      });
    }
    return from(0);
  }

  function showSyncReport(report) {
    if (report.checked) toast(fmt(T.sync_done, { n: report.checked }), report.problems.length ? 'amber' : 'green');
    if (report.stuck) {
      problemEl.textContent = fmt(T.sync_stuck, { n: report.stuck });
      problemEl.hidden = false;
    }
    if (!report.problems.length) return;
    var list = $('sync-list');
    var worst = 'amber';
    report.problems.forEach(function (problem) {
      var answer = problem.answer;
      if (answer.result === 'rejected') worst = 'red';
      var parts = [localClock(problem.item.body.scanned_at || problem.item.body.recorded_at)];
      parts.push(answer.result === 'duplicate' ? T.duplicate : T.rejected);
      if (answer.person && answer.person.name_masked) parts.push(answer.person.name_masked);
      if (answer.message) parts.push(answer.message);
      if (answer.first_seen) {
        parts.push(fmt(T.first_seen, { time: clock(answer.first_seen.at), device: answer.first_seen.device || '' }));
      }
      var li = document.createElement('li');
      li.setAttribute('data-result', answer.result);
      li.setAttribute('data-reason', answer.reason || '');
      li.textContent = parts.filter(Boolean).join(' · ');
      list.appendChild(li);
    });
    $('sync-report-title').textContent = T.sync_problems;
    $('sync-report').hidden = false;
    signal(worst);
  }

  function refreshCounts() {
    if (!state.device) return Promise.resolve();
    lastAttemptAt = Date.now();
    var askedAt = lastAttemptAt;
    var url = CONFIG.api.activities + '/' + state.device.activity.id + '/counts';
    return api('GET', url, undefined, state.device.token, CONFIG.request_timeout_ms).then(function (res) {
      if (res.status >= 500) {
        setOffline(true);
      } else if (res.status === 401) {
        credentialRefused(res.data);
      } else if (res.ok) {
        setOffline(false);
        resetRetry();
        renderCounts(res.data, askedAt);
        if (state.waiting > 0) sync();
      }
    }, function () {
      setOffline(true);
    });
  }

  // -- the camera ---------------------------------------------------------------------------

  var video = $('video');
  var canvas = $('frame');
  var noticeEl = $('camera-notice');
  var torchEl = $('torch');
  var camera = { state: 'off', stream: null, track: null, decode: null, wakeLock: null, pausedBy: null };
  var lastCodeAt = Date.now();
  var held = { text: null, at: 0 };
  var lastHandledAt = 0;
  var frameCount = 0;
  var context2d = null;

  function setCamera(newState, notice) {
    camera.state = newState;
    setData('camera', newState);
    noticeEl.textContent = notice || '';
    noticeEl.hidden = !notice;
    // No live camera (WeChat's browser, a refusal, no camera API): a photo of the code instead.
    if (newState === 'error') $('photo').hidden = false;
  }

  function decodeWithJsQR() {
    var width = video.videoWidth;
    var height = video.videoHeight;
    if (!width || !height || typeof window.jsQR !== 'function') return null;
    var scale = Math.min(1, DECODE_MAX_SIDE / Math.max(width, height));
    var w = Math.round(width * scale);
    var h = Math.round(height * scale);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    if (!context2d) context2d = canvas.getContext('2d', { willReadFrequently: true });
    context2d.drawImage(video, 0, 0, w, h);
    var image = context2d.getImageData(0, 0, w, h);
    // Every other frame is inverted to find light-on-dark codes (phones in dark mode): half
    // the cost of jsQR trying both ways on every frame. (Its own 'onlyInvert' is broken in 1.4.0.)
    frameCount += 1;
    if (frameCount % 2 === 0) {
      var data = image.data;
      for (var i = 0; i < data.length; i += 4) {
        data[i] = 255 - data[i];
        data[i + 1] = 255 - data[i + 1];
        data[i + 2] = 255 - data[i + 2];
      }
    }
    var code = window.jsQR(image.data, w, h, { inversionAttempts: 'dontInvert' });
    return code && code.data ? code.data : null;
  }

  function chooseDecoder() {
    if (camera.decode) return Promise.resolve();
    function useJsQR() {
      camera.decode = function () { return Promise.resolve(decodeWithJsQR()); };
      setData('decoder', 'jsqr');
    }
    if (!('BarcodeDetector' in window) || !window.BarcodeDetector.getSupportedFormats) {
      useJsQR();
      return Promise.resolve();
    }
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf('qr_code') === -1) { useJsQR(); return; }
      var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      camera.decode = function () {
        return detector.detect(video).then(function (codes) {
          return codes.length ? codes[0].rawValue : null;
        }, function () { return null; });
      };
      setData('decoder', 'barcodedetector');
    }, useJsQR);
  }

  function stopStream(stream) {
    stream.getTracks().forEach(function (track) { track.stop(); });
  }

  function startCamera() {
    if (camera.state === 'starting' || camera.state === 'running') return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      setCamera('error', fmt(T.camera_error, { error: 'no camera API' }));
      return;
    }
    camera.pausedBy = null;
    setCamera('starting', null);
    lastCodeAt = Date.now();
    chooseDecoder().then(function () {
      return navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } }
      });
    }).then(function (stream) {
      if (camera.state !== 'starting') { stopStream(stream); return null; }
      camera.stream = stream;
      camera.track = stream.getVideoTracks()[0];
      video.srcObject = stream;
      return video.play().catch(noop).then(function () {
        setCamera('running', null);
        lastCodeAt = Date.now();
        offerTorch();
        keepAwake();
        setTimeout(decodeLoop, DECODE_EVERY_MS);
      });
    }).catch(function (error) {
      setCamera('error', fmt(T.camera_error, { error: (error && error.name) || String(error) }));
    });
  }

  function pauseCamera(reason) {
    camera.pausedBy = reason;
    if (camera.stream) stopStream(camera.stream);
    camera.stream = null;
    camera.track = null;
    video.srcObject = null;
    torchEl.hidden = true;
    releaseWakeLock();
    setCamera('paused', reason === 'idle' ? T.camera_paused : null);
  }

  // -- a photo of the code, where the live camera is not offered ------------------------------

  // Photos are large: try a size that reads most codes fast, then larger and smaller ones.
  var PHOTO_SIDES = [1000, 1600, 640];

  function decodePhoto(image) {
    var width = image.naturalWidth || image.width;
    var height = image.naturalHeight || image.height;
    if (!width || !height || typeof window.jsQR !== 'function') return null;
    var photoCanvas = document.createElement('canvas');
    var context = photoCanvas.getContext('2d', { willReadFrequently: true });
    for (var i = 0; i < PHOTO_SIDES.length; i++) {
      var scale = Math.min(1, PHOTO_SIDES[i] / Math.max(width, height));
      var w = Math.max(1, Math.round(width * scale));
      var h = Math.max(1, Math.round(height * scale));
      photoCanvas.width = w;
      photoCanvas.height = h;
      context.drawImage(image, 0, 0, w, h);
      var code = window.jsQR(context.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: 'attemptBoth' });
      if (code && code.data) return code.data;
    }
    return null;
  }

  function onPhoto() {
    var input = $('photo-input');
    var file = input.files && input.files[0];
    if (!file) return;
    var url = URL.createObjectURL(file);
    var image = new Image();
    image.onload = function () {
      var text = decodePhoto(image);
      URL.revokeObjectURL(url);
      input.value = '';
      setData('photo', text ? 'read' : 'unreadable');
      if (text) {
        lastCodeAt = Date.now();
        scanText(text);
      } else {
        presentError(T.photo_no_code);
      }
    };
    image.onerror = function () {
      URL.revokeObjectURL(url);
      input.value = '';
      setData('photo', 'unreadable');
      presentError(T.photo_no_code);
    };
    image.src = url;
  }

  // A timer rather than video frame callbacks: those may stop while the answer covers the video.
  function decodeLoop() {
    if (camera.state !== 'running') return;
    Promise.resolve().then(camera.decode).then(function (text) {
      if (text) onCode(text);
    }, noop).then(function () {
      setTimeout(decodeLoop, DECODE_EVERY_MS);
    });
  }

  function onCode(text) {
    var now = Date.now();
    lastCodeAt = now;
    state.decoded += 1;
    setData('decoded', state.decoded);
    if (text === held.text && now - held.at < HOLD_MS) {
      held.at = now;
      return;
    }
    // Busy or too soon: not taken as held, so a later frame reads it again.
    if (state.busy > 0 || now - lastHandledAt < MIN_GAP_MS) return;
    held.text = text;
    held.at = now;
    lastHandledAt = now;
    scanText(text);
  }

  function offerTorch() {
    var track = camera.track;
    var capabilities = track && track.getCapabilities ? track.getCapabilities() : {};
    torchEl.hidden = !capabilities.torch;
    torchEl.setAttribute('aria-pressed', 'false');
  }

  function toggleTorch() {
    if (!camera.track) return;
    var on = torchEl.getAttribute('aria-pressed') !== 'true';
    camera.track.applyConstraints({ advanced: [{ torch: on }] }).then(function () {
      torchEl.setAttribute('aria-pressed', on ? 'true' : 'false');
    }, function () {
      torchEl.hidden = true;
    });
  }

  function keepAwake() {
    if (!('wakeLock' in navigator) || camera.wakeLock) return;
    navigator.wakeLock.request('screen').then(function (lock) {
      camera.wakeLock = lock;
      lock.addEventListener('release', function () { camera.wakeLock = null; });
    }, noop);
  }

  function releaseWakeLock() {
    if (camera.wakeLock) {
      camera.wakeLock.release().catch(noop);
      camera.wakeLock = null;
    }
  }

  function checkIdle() {
    if (camera.state === 'running' && Date.now() - lastCodeAt > IDLE_MS) pauseCamera('idle');
  }

  // -- hardware scanners (keyboard wedge) ---------------------------------------------------

  var wedge = { text: '', at: 0 };
  function onKey(event) {
    var target = event.target;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) return;
    var now = Date.now();
    if (now - wedge.at > WEDGE_GAP_MS) wedge.text = '';
    wedge.at = now;
    if (event.key === 'Enter' || event.key === 'Tab') {
      var text = wedge.text;
      wedge.text = '';
      if (text.length >= WEDGE_MIN_LENGTH) {
        event.preventDefault();
        lastCodeAt = now;
        scanText(text);
      }
      return;
    }
    if (event.key && event.key.length === 1) wedge.text += event.key;
  }

  // -- manual search ------------------------------------------------------------------------

  var resultsEl = $('search-results');
  var searchInput = $('search-q');

  function clearResults() {
    resultsEl.textContent = '';
  }

  function resultsNote(text) {
    var p = document.createElement('p');
    p.textContent = text;
    resultsEl.appendChild(p);
  }

  function resultButton(text, detail, onPick) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'result-button';
    button.textContent = text;
    if (detail) {
      var small = document.createElement('small');
      small.textContent = detail;
      button.appendChild(small);
    }
    button.addEventListener('click', function () {
      clearResults();
      searchInput.value = '';
      onPick();
    });
    return button;
  }

  function renderResults(results) {
    clearResults();
    if (!results.length) { resultsNote(T.no_match); return; }
    var list = document.createElement('ul');
    results.forEach(function (r) {
      var detail = [categoryLabel(r.category)];
      if (r.checked_in) detail.push(T.already_in);
      if (r.revoked) detail.push(T.cancelled);
      var li = document.createElement('li');
      var button = resultButton(r.name_masked + '  ' + (r.phone_masked || ''), detail.join(' · '), function () {
        scanRegistration(r.registration_id);
      });
      if (r.revoked) button.className += ' is-revoked';
      li.appendChild(button);
      list.appendChild(li);
    });
    resultsEl.appendChild(list);
  }

  function offlineSearch(query) {
    clearResults();
    resultsNote(T.search_offline);
    var code = query.toUpperCase().replace(/[^0-9A-Z]/g, '');
    if (code.length >= 4 && code.length <= 20) {
      resultsEl.appendChild(resultButton(fmt(T.save_code, { code: code }), '', function () {
        scanTicketCode(code);
      }));
    }
  }

  function onSearch(event) {
    event.preventDefault();
    var query = searchInput.value.trim();
    if (!query) return;
    // A hardware scanner typing into the search box: that is a scan, not a search.
    if (looksLikeTicket(query) && query.length >= 16) {
      searchInput.value = '';
      clearResults();
      scanText(query);
      return;
    }
    if (state.offline) { offlineSearch(query); return; }
    var url = CONFIG.api.activities + '/' + state.device.activity.id + '/lookup?q=' + encodeURIComponent(query);
    api('GET', url, undefined, state.device.token, CONFIG.request_timeout_ms).then(function (res) {
      if (res.status >= 500) {
        setOffline(true);
        offlineSearch(query);
      } else if (res.status === 401) {
        credentialRefused(res.data);
      } else if (!res.ok) {
        clearResults();
        resultsNote(errorMessage(res.data));
      } else {
        setOffline(false);
        renderResults(res.data.results || []);
      }
    }, function () {
      setOffline(true);
      offlineSearch(query);
    });
  }

  // -- the page -----------------------------------------------------------------------------

  function setDirection(direction) {
    state.direction = direction === 'out' ? 'out' : 'in';
    try { localStorage.setItem(DIRECTION_KEY, state.direction); } catch (e) { /* kept for this page only */ }
    var buttons = $('direction').querySelectorAll('button');
    for (var i = 0; i < buttons.length; i++) {
      var pressed = buttons[i].getAttribute('data-direction') === state.direction;
      buttons[i].setAttribute('aria-pressed', pressed ? 'true' : 'false');
    }
    body.classList.toggle('dir-out', state.direction === 'out');
    setData('direction', state.direction);
  }

  // Bright sun: black on white and full colours only, for a screen read outdoors at noon.
  function setSunlight(on) {
    body.classList.toggle('sunlight', on);
    $('sunlight').setAttribute('aria-pressed', on ? 'true' : 'false');
    setData('sunlight', on ? 'on' : 'off');
    try { localStorage.setItem(SUNLIGHT_KEY, on ? 'on' : 'off'); } catch (e) { /* this page only */ }
  }

  function signOut() {
    var question = state.waiting ? fmt(T.confirm_sign_out_queue, { n: state.waiting }) : T.confirm_sign_out;
    if (!window.confirm(question)) return;
    pauseCamera('signed-out');
    queue.clear().catch(noop).then(function () {
      localStorage.removeItem(actionsKey());
      localStorage.removeItem(CONFIG.storage_key);
      localStorage.removeItem(DIRECTION_KEY);
      state.device = null;
      showNotEnrolled();
    });
  }

  function showNotEnrolled() {
    $('app').hidden = true;
    $('not-enrolled').hidden = false;
    setData('enrolled', 'no');
  }

  function registerServiceWorker() {
    if (!('serviceWorker' in navigator)) return;
    navigator.serviceWorker.register(CONFIG.service_worker, { scope: CONFIG.scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      setData('sw', 'ready');
    }, function () {
      setData('sw', 'failed');
    });
  }

  // A name in the page's language: enrolment keeps both, so switching language needs no network.
  function localName(named) {
    var language = document.documentElement.lang === 'en' ? 'en' : 'zh_Hans';
    return (named.names && named.names[language]) || named.name;
  }

  function start() {
    registerServiceWorker();
    state.device = loadDevice();
    if (!state.device) { showNotEnrolled(); return; }
    var device = state.device;
    setData('enrolled', 'yes');
    $('activity-name').textContent = localName(device.activity);
    $('place').textContent = device.booth ? localName(device.booth) : T.entrance;
    $('device-label').textContent = device.label;
    $('valid-until').textContent = device.expires_at
      ? fmt(T.valid_until, { time: device.expires_at.slice(5, 16).replace('T', ' ') }) : '';
    $('sync-now').textContent = T.send_now;
    $('direction').hidden = !!device.booth;
    var saved = null;
    try { saved = localStorage.getItem(DIRECTION_KEY); } catch (e) { /* default */ }
    setDirection(device.booth ? 'in' : saved);
    renderCounts(null);
    netEl.textContent = '';
    $('app').hidden = false;

    answerEl.addEventListener('click', hideAnswer);
    $('walkin').addEventListener('click', walkIn);
    undoEl.addEventListener('click', undoLast);
    $('search').addEventListener('submit', onSearch);
    $('sync-now').addEventListener('click', function () { resetRetry(); sync(); });
    $('sync-dismiss').addEventListener('click', function () {
      $('sync-list').textContent = '';
      $('sync-report').hidden = true;
    });
    $('direction').addEventListener('click', function (event) {
      var button = event.target.closest ? event.target.closest('button[data-direction]') : null;
      if (button) setDirection(button.getAttribute('data-direction'));
    });
    $('more-actions').addEventListener('click', chooseWithoutTicket);
    $('photo-input').addEventListener('change', onPhoto);
    $('sunlight').addEventListener('click', function () { setSunlight(!body.classList.contains('sunlight')); });
    var sunlight = null;
    try { sunlight = localStorage.getItem(SUNLIGHT_KEY); } catch (e) { /* default */ }
    setSunlight(sunlight === 'on');
    $('action-form').addEventListener('submit', saveAction);
    $('action-cancel').addEventListener('click', closeSheet);
    $('actions-close').addEventListener('click', function () { actionsEl.hidden = true; });
    torchEl.addEventListener('click', toggleTorch);
    noticeEl.addEventListener('click', startCamera);
    $('sign-out').addEventListener('click', signOut);
    document.addEventListener('keydown', onKey, true);
    ['pointerdown', 'touchend', 'keydown'].forEach(function (name) {
      document.addEventListener(name, unlockAudio, true);
    });
    window.addEventListener('online', function () { resetRetry(); sync(); refreshCounts(); });
    window.addEventListener('offline', function () { setOffline(true); });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') {
        if (camera.state === 'running' || camera.state === 'starting') pauseCamera('hidden');
      } else {
        if (camera.pausedBy === 'hidden') startCamera();
        if (camera.state === 'running') keepAwake();
        sync();
        refreshCounts();
      }
    });
    setInterval(checkIdle, Math.min(5000, Math.max(250, IDLE_MS / 4)));
    setInterval(function () {
      if (document.visibilityState === 'visible' && !state.offline) refreshCounts();
    }, COUNTS_EVERY_MS);

    startCamera();
    // Asked at once: a volunteer may scan the moment the page opens, and the answer offers them.
    actions.ready = loadActions();
    refreshWaiting().then(function () {
      return refreshCounts();
    }).then(function () {
      return actions.ready;
    }).then(function () {
      return sync();
    });
  }

  start();
})();
