/* Talking to the chat server: REST calls (fetch, no cookies) and one WebSocket that always comes back. */

function ApiError(status, code, message) {
  this.status = status;
  this.code = code;
  this.message = message;
}

function Api(server, tokenSource) {
  this.server = server;
  this.tokenSource = tokenSource;
}

/* body: an object (sent as JSON), a File/Blob (sent as is), or undefined. */
Api.prototype.call = function (method, path, body, contentType) {
  var headers = {};
  var token = this.tokenSource();
  if (token) headers.Authorization = "Bearer " + token;
  var payload;
  if (body instanceof Blob) {
    payload = body;
    headers["Content-Type"] = contentType || "application/octet-stream";
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["Content-Type"] = "application/json";
  }
  return fetch(this.server + path, {method: method, headers: headers, body: payload, credentials: "omit", mode: "cors"})
    .then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) return data;
        var error = data && data.error ? data.error : {};
        throw new ApiError(response.status, error.code || "http_" + response.status, error.message || response.statusText);
      });
    }, function () {
      throw new ApiError(0, "network", "The chat server cannot be reached.");
    });
};

/* The WebSocket: reconnects with backoff until stopped; pings so a silent connection is noticed.
   `path` is /ws/visitor (the chat, with the visitor's token) or /ws/visitor/channels/<id> (no token). */
function Link(server, callbacks, heartbeatSeconds, path) {
  this.url = server.replace(/^http/, "ws") + (path || "/ws/visitor");
  this.callbacks = callbacks; /* onOpen(), onFrame(frame), onState("connecting"|"open"|"reconnecting") */
  this.heartbeat = Math.max(2, Math.min(heartbeatSeconds || 20, 60)) * 1000;
  this.ws = null;
  this.wanted = false;
  this.attempt = 0;
  this.timer = null;
  this.pinger = null;
  this.lastHeard = 0;
  var link = this;
  window.addEventListener("online", function () { if (link.wanted && !link.isOpen()) link.reopenSoon(0); });
}

Link.prototype.start = function (token) {
  this.token = token;
  if (this.wanted && this.ws) return;
  this.wanted = true;
  this.attempt = 0;
  this.callbacks.onState("connecting");
  this.open();
};

Link.prototype.stop = function () {
  this.wanted = false;
  clearTimeout(this.timer);
  clearInterval(this.pinger);
  if (this.ws) {
    var ws = this.ws;
    this.ws = null;
    ws.close();
  }
};

Link.prototype.isOpen = function () {
  return !!this.ws && this.ws.readyState === WebSocket.OPEN;
};

Link.prototype.open = function () {
  var link = this;
  var ws;
  try {
    ws = new WebSocket(this.token ? this.url + "?token=" + encodeURIComponent(this.token) : this.url);
  } catch (error) {
    this.reopenSoon();
    return;
  }
  this.ws = ws;
  ws.onopen = function () {
    if (link.ws !== ws) return;
    link.attempt = 0;
    link.lastHeard = Date.now();
    clearInterval(link.pinger);
    link.pinger = setInterval(function () { link.ping(ws); }, link.heartbeat);
    link.callbacks.onState("open");
    link.callbacks.onOpen();
  };
  ws.onmessage = function (message) {
    if (link.ws !== ws) return;
    link.lastHeard = Date.now();
    var frame;
    try {
      frame = JSON.parse(message.data);
    } catch (error) {
      return;
    }
    link.callbacks.onFrame(frame);
  };
  ws.onclose = function () {
    if (link.ws !== ws) return;
    link.ws = null;
    clearInterval(link.pinger);
    if (link.wanted) {
      link.callbacks.onState("reconnecting");
      link.reopenSoon();
    }
  };
};

/* Silence for two heartbeats means a dead connection (e.g. a laptop that slept): drop it, reconnect. */
Link.prototype.ping = function (ws) {
  if (this.ws !== ws) return;
  if (Date.now() - this.lastHeard > 2 * this.heartbeat + 1000) {
    ws.onclose();
    ws.close();
    return;
  }
  this.send({type: "ping"});
};

Link.prototype.reopenSoon = function (delay) {
  var link = this;
  clearTimeout(this.timer);
  if (delay === undefined) {
    this.attempt += 1;
    delay = Math.min(5000, 300 * Math.pow(2, this.attempt - 1)) * (0.75 + Math.random() * 0.5);
  }
  this.timer = setTimeout(function () { if (link.wanted && !link.ws) link.open(); }, delay);
};

Link.prototype.send = function (frame) {
  if (!this.isOpen()) return false;
  this.ws.send(JSON.stringify(frame));
  return true;
};
