/* The statistics page (/statistics), opened directly: load what its components need while the server runs
 * the page's queries. Dash mounts the page's graphs, date picker and dropdowns only once their layout has
 * arrived, and only then do they fetch their code (dcc loads it on demand) and plotly.js, which puts
 * those requests and plotly.js's evaluation after the queries. Here, in the first idle moment after the app's
 * page container appears (Dash has then asked the server for the page and waits), that code is preloaded
 * (fetched only; Dash evaluates it when it asks for it), and plotly.js is evaluated as soon as it is fetched:
 * dcc.Graph uses window.Plotly when it is there. */
(function () {
  "use strict";

  const CHUNKS = ["dash/dcc/async-graph.js", "dash/dcc/async-dropdown.js", "dash/dcc/async-datepicker.js"];
  const PLOTLY = "plotly/package_data/plotly.min.js";

  function onStatistics() { return /\/statistics\/?$/.test(window.location.pathname); }

  // Once the page has arrived its graphs load plotly.js themselves: adding it as well would evaluate it twice.
  function arrived() { return !!window.Plotly || !!document.getElementById("statistics"); }

  function preload(url) {
    const link = document.createElement("link");
    link.rel = "preload";
    link.as = "script";
    link.href = url;
    document.head.appendChild(link);
    return link;
  }

  function load() {
    const plotly = window._dashPlotlyJSURL;  // set by Dash: <prefix>_dash-component-suites/<PLOTLY> when local
    if (!plotly || arrived()) { return; }
    if (plotly.endsWith(PLOTLY)) {
      const suites = plotly.slice(0, -PLOTLY.length);
      CHUNKS.forEach(function (chunk) { preload(suites + chunk); });
    }
    preload(plotly).addEventListener("load", function () {
      if (arrived()) { return; }
      const script = document.createElement("script");
      script.src = plotly;  // from the preload: runs at once
      document.head.appendChild(script);
    });
  }

  function start() {
    if (!onStatistics() || window.Plotly) { return; }
    const waiting = new MutationObserver(function () {
      if (!document.getElementById("_pages_content")) { return; }
      waiting.disconnect();
      window.requestIdleCallback(load, { timeout: 300 });
    });
    waiting.observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
