/* One WebSocket per browser tab for the whole staff app.
 *
 * It follows the agent feed (queue, assignments, transfers, presence) and the chats the page shows,
 * resumes both after every reconnect from the last cursor / sequence number it holds, and resends
 * unacknowledged messages with their original ids (the server stores a retry once).
 * Pages read `window.chatRT` and register with `chatRT.onChange(fn)`.
 */
(function () {
  "use strict";

  const ACTIVE = ["customer_last", "agent_last"];
  const rt = {
    status: "connecting",
    cursor: null,
    feedSynced: false,
    user: null,
    channels: new Map(),
    my: new Map(),
    queue: new Map(),
    transfers: new Map(),
    chats: new Map(),
    openId: null,
    listeners: new Set(),
  };
  const pending = new Map();
  const unsentMessages = new Map();
  let socket = null;
  let attempt = 0;
  let nextId = 1;
  let pingTimer = null;

  function emit(what, detail) {
    rt.listeners.forEach(function (listener) {
      try { listener(what, detail); } catch (error) { console.error(error); }
    });
  }

  function setStatus(status) {
    rt.status = status;
    emit("status");
  }

  function updateStatus() {
    if (!socket || socket.readyState !== WebSocket.OPEN) { return; }
    const chatsSynced = Array.from(rt.chats.values()).every(function (chat) { return chat.synced; });
    setStatus(rt.feedSynced && chatsSynced ? "live" : "catching_up");
  }

  function raw(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function newId(prefix) {
    const random = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Math.random()).slice(2);
    return prefix + "-" + random.slice(0, 18) + "-" + (nextId++);
  }

  /* Send a frame that the server acknowledges; resolves with the ack, rejects with the error frame. */
  rt.request = function (frame) {
    const withId = Object.assign({ id: newId("r") }, frame);
    return new Promise(function (resolve, reject) {
      pending.set(withId.id, { resolve: resolve, reject: reject });
      if (!raw(withId)) {
        pending.delete(withId.id);
        reject({ code: "offline", message: "Not connected; try again in a moment." });
      }
    });
  };

  /* A chat message: kept until acknowledged, resent after a reconnect with the same id. */
  rt.sendMessage = function (sessionId, text, type) {
    const frame = { type: type || "send", id: newId("m"), session_id: sessionId, text: text };
    unsentMessages.set(frame.id, frame);
    return new Promise(function (resolve, reject) {
      pending.set(frame.id, {
        resolve: function (ack) { unsentMessages.delete(frame.id); resolve(ack); },
        reject: function (error) { unsentMessages.delete(frame.id); reject(error); },
        keepOnDisconnect: true,
      });
      raw(frame);
    });
  };

  rt.send = raw;

  function chatState(sessionId, listening) {
    let chat = rt.chats.get(sessionId);
    if (!chat) {
      chat = { lastSeq: 0, events: [], synced: false, typing: false, draft: "", listening: !!listening,
               readByVisitor: 0 };
      rt.chats.set(sessionId, chat);
    }
    return chat;
  }

  rt.follow = function (sessionId, listening) {
    const known = rt.chats.has(sessionId);
    const chat = chatState(sessionId, listening);
    if (!known) {
      raw({ type: listening ? "listen" : "subscribe", session_id: sessionId, last_seq: chat.lastSeq });
      updateStatus();
    }
    return chat;
  };

  rt.onChange = function (listener) { rt.listeners.add(listener); };

  rt.isActive = function (summary) { return !!summary && ACTIVE.indexOf(summary.status) >= 0; };

  rt.respondingChannelIds = function () {
    return Array.from(rt.channels.values()).filter(function (c) { return c.can_respond; })
      .map(function (c) { return c.id; });
  };

  function applySnapshot(frame) {
    const data = frame.data;
    rt.cursor = frame.cursor;
    rt.feedSynced = true;
    rt.user = data.user;
    rt.channels = new Map(data.channels.map(function (c) { return [c.id, c]; }));
    rt.my = new Map(data.my_sessions.map(function (s) { return [s.session_id, s]; }));
    rt.queue = new Map(data.queue.map(function (s) { return [s.session_id, s]; }));
    rt.transfers = new Map(data.transfers.map(function (t) { return [t.session_id, t]; }));
    rt.my.forEach(function (summary, id) { rt.follow(id); });
    rt.transfers.forEach(function (transfer, id) { rt.follow(id); });
    emit("state");
  }

  function mergeSummary(target, data) {
    const existing = target.get(data.session_id) || {};
    target.set(data.session_id, Object.assign({}, existing, data, { unread: existing.unread || 0 }));
  }

  function applyAgentEvent(frame) {
    rt.cursor = frame.cursor;
    const data = frame.data;
    const me = rt.user ? rt.user.id : null;
    switch (frame.event) {
      case "session_queued":
        if (rt.respondingChannelIds().indexOf(data.channel_id) >= 0) {
          rt.queue.set(data.session_id, data);
          emit("incoming", data);
        }
        if (rt.my.has(data.session_id)) { mergeSummary(rt.my, data); }
        break;
      case "session_assigned":
      case "session_reopened":
        rt.queue.delete(data.session_id);
        if (data.agent_id === me) {
          mergeSummary(rt.my, data);
          rt.follow(data.session_id);
        } else if (rt.my.has(data.session_id)) {
          mergeSummary(rt.my, Object.assign({}, data, { former: true }));
        }
        break;
      case "session_ended":
        rt.queue.delete(data.session_id);
        if (rt.my.has(data.session_id)) { mergeSummary(rt.my, data); }
        break;
      case "transfer_requested":
        rt.transfers.set(data.session_id, data.transfer);
        if (data.transfer.to_user_id === me) {
          mergeSummary(rt.my, Object.assign({}, data, { incoming_transfer: true }));
          rt.follow(data.session_id);
        }
        break;
      case "transfer_accepted":
      case "transfer_rejected":
      case "transfer_cancelled":
        rt.transfers.delete(data.session_id);
        if (data.transfer.to_user_id === me && frame.event !== "transfer_accepted") {
          rt.my.delete(data.session_id);
        } else if (rt.my.has(data.session_id)) {
          mergeSummary(rt.my, Object.assign({}, data, { incoming_transfer: false }));
        }
        break;
      case "presence":
        if (rt.user && data.user_id === me) { rt.user.presence = data.presence; }
        break;
      case "membership_changed":
      case "channel_changed":
        raw({ type: "hello", cursor: null });  // rights or channels changed: take a fresh snapshot
        break;
      default:
        break;
    }
    emit("state");
  }

  function applySessionEvent(frame) {
    const chat = rt.chats.get(frame.session_id);
    if (!chat || frame.seq <= chat.lastSeq) { return; }
    chat.events.push(frame);
    chat.lastSeq = frame.seq;
    const known = rt.my.get(frame.session_id);
    const summary = known && frame.seq > (known.last_seq || 0) ? known : null;
    if (summary) { summary.last_seq = frame.seq; }
    if (frame.event === "message") {
      chat.typing = false;
      chat.draft = "";
      if (summary && frame.data.author === "visitor") {
        summary.status = ACTIVE.indexOf(summary.status) >= 0 ? "customer_last" : summary.status;
        const looking = rt.openId === frame.session_id && document.visibilityState === "visible";
        if (!looking) { summary.unread = (summary.unread || 0) + 1; }
      } else if (summary && frame.data.author === "agent") {
        summary.status = ACTIVE.indexOf(summary.status) >= 0 ? "agent_last" : summary.status;
      }
    } else if (frame.event === "status" && summary) {
      summary.status = frame.data.status;
      if (frame.data.ended_by) { summary.ended_at = frame.at; }
    } else if (frame.event === "read" && frame.data.reader === "visitor") {
      chat.readByVisitor = Math.max(chat.readByVisitor, frame.data.up_to_seq);
    }
    emit("chat", frame.session_id);
  }

  function handle(frame) {
    switch (frame.type) {
      case "agent_state": applySnapshot(frame); break;
      case "agent_event": applyAgentEvent(frame); break;
      case "event": applySessionEvent(frame); break;
      case "signal": {
        const chat = rt.chats.get(frame.session_id);
        if (!chat) { break; }
        if (frame.event === "typing" && frame.data.side === "visitor") { chat.typing = frame.data.active; }
        if (frame.event === "draft") { chat.draft = frame.data.text; chat.typing = !!frame.data.text; }
        emit("chat", frame.session_id);
        break;
      }
      case "synced":
        if ("cursor" in frame) {
          rt.cursor = frame.cursor;
          rt.feedSynced = true;
          emit("state");
        } else if (rt.chats.has(frame.session_id)) {
          rt.chats.get(frame.session_id).synced = true;
          emit("chat", frame.session_id);
        }
        break;
      case "ack":
      case "error": {
        const waiter = pending.get(frame.id);
        if (waiter) {
          pending.delete(frame.id);
          (frame.type === "ack" ? waiter.resolve : waiter.reject)(frame);
        } else if (frame.type === "error") {
          emit("error", frame);
        }
        break;
      }
      default:
        break;
    }
    updateStatus();
  }

  function dropPending() {
    pending.forEach(function (waiter, id) {
      if (!waiter.keepOnDisconnect) {
        pending.delete(id);
        waiter.reject({ code: "offline", message: "The connection was lost; please try again." });
      }
    });
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(scheme + "://" + location.host + "/ws/agent");
    socket.onopen = function () {
      attempt = 0;
      rt.feedSynced = false;
      rt.chats.forEach(function (chat) { chat.synced = false; });
      setStatus("catching_up");
      raw({ type: "hello", cursor: rt.cursor });
      rt.chats.forEach(function (chat, id) {
        raw({ type: chat.listening ? "listen" : "subscribe", session_id: id, last_seq: chat.lastSeq });
      });
      unsentMessages.forEach(function (frame) { raw(frame); });
      pingTimer = setInterval(function () { raw({ type: "ping" }); }, 15000);
    };
    socket.onmessage = function (message) { handle(JSON.parse(message.data)); };
    socket.onclose = function () {
      clearInterval(pingTimer);
      dropPending();
      setStatus("reconnecting");
      attempt += 1;
      setTimeout(connect, Math.min(5000, 200 * Math.pow(2, attempt)));
    };
  }

  rt.reconnectNow = function () { if (socket) { socket.close(); } };

  window.chatRT = rt;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", connect);
  } else {
    connect();
  }
})();
