/* The dashboard refreshes its figures when the server says counts changed (server-sent
   events), and every 10 seconds where a network or proxy blocks event streams. The
   server renders the figures; this only fetches them. */
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) return;
  var state = document.getElementById("live-state");
  var fragmentUrl = root.getAttribute("data-fragment");
  var streamUrl = root.getAttribute("data-stream");
  var loading = false, again = false, timer = null, polling = null;

  function say(mode) {
    if (!state) return;
    state.textContent = state.getAttribute("data-" + mode) || "";
    state.setAttribute("data-state", mode);
  }

  function refresh() {
    if (loading) { again = true; return; }
    loading = true;
    fetch(fragmentUrl, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { root.innerHTML = html; })
      .catch(function () { /* keep the last figures; the next change or poll tries again */ })
      .then(function () {
        loading = false;
        if (again) { again = false; refresh(); }
      });
  }

  function soon() {
    if (timer) return;
    timer = setTimeout(function () { timer = null; refresh(); }, 250);
  }

  function poll() {
    if (polling) return;
    say("polling");
    polling = setInterval(refresh, 10000);
  }

  if (!window.EventSource) { poll(); return; }
  var failures = 0;
  var source = new EventSource(streamUrl, { withCredentials: true });
  source.addEventListener("counts", soon);
  source.onopen = function () { failures = 0; say("live"); };
  source.onerror = function () {
    failures += 1;
    if (failures >= 3) { source.close(); poll(); }
  };
})();
