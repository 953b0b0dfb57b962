/* What survives navigation and reloads (the host page's localStorage), and prefill from the page. */

var STORE_VERSION = "lcw:v1:";
var MAX_CACHED_EVENTS = 400;

function Store(server, channelId) {
  this.tokenKey = STORE_VERSION + server + ":token";
  this.chatKey = STORE_VERSION + server + ":channel:" + channelId;
}

Store.prototype.read = function (key, fallback) {
  try {
    var raw = window.localStorage.getItem(key);
    return raw ? JSON.parse(raw) : fallback;
  } catch (error) {
    return fallback;
  }
};

Store.prototype.write = function (key, value) {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch (error) {
    return false; /* private mode or full: the chat still works, it just does not survive a reload */
  }
};

Store.prototype.token = function () { return this.read(this.tokenKey, null); };
Store.prototype.setToken = function (token) { this.write(this.tokenKey, token); };

/* The chat of this channel: session id, last seq, the events seen (to redraw without a full replay),
   the messages not yet acknowledged, whether the panel is open, the form values, the composer text. */
Store.prototype.chat = function () {
  var saved = this.read(this.chatKey, null) || {};
  return {
    sessionId: typeof saved.sessionId === "number" ? saved.sessionId : null,
    lastSeq: typeof saved.lastSeq === "number" ? saved.lastSeq : 0,
    events: Array.isArray(saved.events) ? saved.events : [],
    outbox: Array.isArray(saved.outbox) ? saved.outbox : [],
    open: saved.open === true,
    seenSeq: typeof saved.seenSeq === "number" ? saved.seenSeq : 0,
    form: saved.form && typeof saved.form === "object" ? saved.form : {},
    composer: typeof saved.composer === "string" ? saved.composer : ""
  };
};

Store.prototype.saveChat = function (chat) {
  var events = chat.events;
  if (events.length > MAX_CACHED_EVENTS) {
    /* Too long to keep: forget the cache, the next page load replays the whole chat from the server. */
    events = [];
  }
  var saved = {
    sessionId: chat.sessionId, lastSeq: events.length ? chat.lastSeq : 0, events: events, outbox: chat.outbox,
    open: chat.open, seenSeq: chat.seenSeq, form: chat.form, composer: chat.composer
  };
  if (!this.write(this.chatKey, saved)) {
    saved.events = [];
    saved.lastSeq = 0;
    this.write(this.chatKey, saved);
  }
};

function readCookie(name) {
  var parts = document.cookie ? document.cookie.split(";") : [];
  for (var i = 0; i < parts.length; i++) {
    var index = parts[i].indexOf("=");
    if (index < 0) continue;
    if (parts[i].slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(parts[i].slice(index + 1).trim());
      } catch (error) {
        return parts[i].slice(index + 1).trim();
      }
    }
  }
  return "";
}

/* "variable:user.email" reads window.user.email; only strings and numbers count. */
function readVariable(path) {
  var value = window;
  var names = path.split(".");
  for (var i = 0; i < names.length; i++) {
    if (value === null || value === undefined || !/^[\w$]+$/.test(names[i])) return "";
    value = value[names[i]];
  }
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

/* A data-* prefill: a plain value, or cookie:NAME, url:PARAM or variable:JS_NAME. */
function resolvePrefill(spec) {
  if (!spec) return "";
  var match = /^(cookie|url|variable):(.+)$/.exec(spec);
  if (!match) return spec;
  if (match[1] === "cookie") return readCookie(match[2]);
  if (match[1] === "url") return new URLSearchParams(window.location.search).get(match[2]) || "";
  return readVariable(match[2]);
}
