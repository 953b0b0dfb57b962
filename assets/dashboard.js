/* The Dashboard tab: asks the server for fresh figures whenever the agent feed says something changed,
 * ticks the waiting times every second, and answers / listens in on a click or double-click. */
(function () {
  "use strict";

  let lastRefresh = 0;
  let pendingRefresh = null;

  function onPage() { return !!document.getElementById("db-figures"); }

  function refresh() {
    if (!onPage() || !window.dash_clientside) { return; }
    const wait = Math.max(0, 250 - (Date.now() - lastRefresh));
    clearTimeout(pendingRefresh);
    pendingRefresh = setTimeout(function () {
      lastRefresh = Date.now();
      const cursor = window.chatRT ? window.chatRT.cursor : null;
      window.dash_clientside.set_props("db-refresh", { data: { cursor: cursor, at: lastRefresh } });
    }, wait);
  }

  function format(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const rest = String(s % 60).padStart(2, "0");
    return h ? h + ":" + String(m).padStart(2, "0") + ":" + rest : m + ":" + rest;
  }

  function tick() {
    document.querySelectorAll("[data-since]").forEach(function (node) {
      const seconds = (Date.now() - new Date(node.dataset.since).getTime()) / 1000;
      node.textContent = format(seconds);
      const warn = Number(node.dataset.warn || Infinity);
      const danger = Number(node.dataset.danger || Infinity);
      node.classList.toggle("wait-warn", seconds >= warn && seconds < danger);
      node.classList.toggle("wait-danger", seconds >= danger);
      const row = node.closest("tr");
      if (row) { row.classList.toggle("row-warn", seconds >= warn); }
    });
  }

  function answer(sessionId) {
    window.chatRT.request({ type: "pick_up", session_id: sessionId }).then(function () {
      window.location.href = "/workspace?open=" + sessionId;
    }, function (error) { window.alert(error.message); });
  }

  function listen(sessionId) { window.location.href = "/workspace?listen=" + sessionId; }

  document.addEventListener("click", function (event) {
    const answerButton = event.target.closest("[data-answer]");
    if (answerButton) { answer(Number(answerButton.dataset.answer)); return; }
    const listenButton = event.target.closest("[data-listen]");
    if (listenButton) { listen(Number(listenButton.dataset.listen)); }
  });

  document.addEventListener("dblclick", function (event) {
    const answerRow = event.target.closest("[data-answer-row]");
    if (answerRow) { answer(Number(answerRow.dataset.answerRow)); return; }
    const listenRow = event.target.closest("[data-listen-row]");
    if (listenRow) { listen(Number(listenRow.dataset.listenRow)); }
  });

  function start() {
    if (!window.chatRT) { setTimeout(start, 20); return; }
    window.chatRT.onChange(function (what) { if (what === "state") { refresh(); } });
    let wasOnPage = false;
    setInterval(function () {
      const now = onPage();
      if (now && !wasOnPage) { refresh(); }
      wasOnPage = now;
      tick();
    }, 1000);
  }
  start();
})();
