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

  // The access this phone already holds, if any: a volunteer may open the link again from
  // the chat it was sent in, and should land in the scanner rather than on "code used".
  function heldDevice() {
    try {
      var device = JSON.parse(localStorage.getItem(config.storage_key) || 'null');
      return device && device.token ? device : null;
    } catch (e) {
      return null;
    }
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
    var held = heldDevice();
    var headers = { 'Content-Type': 'application/json', 'Accept': 'application/json' };
    if (held) headers.Authorization = 'Bearer ' + held.token;
    fetch(config.enrol_api, {
      method: 'POST',
      headers: headers,
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
        } else if (response.ok && data.already_enrolled) {
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
      // The scanner works offline with the access it holds; a new code waits for a connection.
      if (held) {
        location.replace(config.scanner_page);
      } else {
        show('offline', strings.offline);
      }
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
