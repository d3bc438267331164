// The now-serving screen follows its station's queue: it asks for the numbers every few seconds
// and shows them; when the network is down it keeps the last ones and tries again.
(function () {
  var root = document.querySelector('[data-source]');
  if (!root || !window.fetch) { return; }
  var source = root.getAttribute('data-source');
  function show(name, text) {
    var element = root.querySelector('[data-queue="' + name + '"]');
    if (element && element.textContent !== text) { element.textContent = text; }
  }
  function refresh() {
    fetch(source, { cache: 'no-store', credentials: 'omit' })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (queue) {
        if (!queue) { return; }
        show('serving', queue.serving === null ? '—' : String(queue.serving));
        show('next', queue.next.length ? queue.next.join(' ') : '—');
        show('waiting', String(queue.waiting));
      })
      .catch(function () {})
      .then(function () { window.setTimeout(refresh, 3000); });
  }
  window.setTimeout(refresh, 3000);
})();
