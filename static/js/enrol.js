// Scanner enrolment: exchange the one-time code in this page's link for the device's access.
// Only this script spends the code (with a POST), so a chat app's link preview, which loads
// the page without running it, leaves the code intact for the volunteer.
(function () {
  'use strict';

  function readJSON(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  var config = readJSON('enrol-config');
  var strings = readJSON('enrol-strings');
  var statusEl = document.getElementById('enrol-status');
  var retryEl = document.getElementById('enrol-retry');
  var busy = false;

  function show(state, text) {
    statusEl.setAttribute('data-state', state);
    statusEl.textContent = text;
    retryEl.hidden = !(state === 'offline' || state === 'failed');
  }

  function storageWorks() {
    try {
      var probe = config.storage_key + '.probe';
      localStorage.setItem(probe, '1');
      localStorage.removeItem(probe);
      return true;
    } catch (e) {
      return false;
    }
  }

  function saveDevice(data) {
    localStorage.setItem(config.storage_key, JSON.stringify({
      token: data.token,
      label: data.label,
      expires_at: data.expires_at,
      activity: data.activity,
      booth: data.booth || null,
      enrolled_at: new Date().toISOString()
    }));
  }

  function enrol() {
    if (busy) return;
    // Checked before the code is spent: afterwards it cannot be used again.
    if (!storageWorks()) {
      show('failed', strings.storage);
      retryEl.hidden = true;
      return;
    }
    busy = true;
    show('working', strings.working);
    fetch(config.enrol_api, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify({ code: config.code }),
      credentials: 'omit',
      cache: 'no-store'
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        busy = false;
        if (response.ok && data.token) {
          saveDevice(data);
          show('done', strings.done);
          location.replace(config.scanner_page);
        } else if (response.status >= 500 || response.status === 429) {
          show('failed', strings.failed);
        } else {
          show('used', strings.used);
        }
      });
    }, function () {
      busy = false;
      show('offline', strings.offline);
    });
  }

  // A prerendered or hidden page (speculative loading, previews) must not spend the code.
  function whenShown(run) {
    if (document.prerendering) {
      document.addEventListener('prerenderingchange', function () { whenShown(run); }, { once: true });
    } else if (document.visibilityState === 'hidden') {
      var onChange = function () {
        if (document.visibilityState === 'visible') {
          document.removeEventListener('visibilitychange', onChange);
          run();
        }
      };
      document.addEventListener('visibilitychange', onChange);
    } else {
      run();
    }
  }

  retryEl.addEventListener('click', enrol);
  whenShown(enrol);
})();
