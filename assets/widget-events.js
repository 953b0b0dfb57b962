/* The live side: resume after every (re)connect, apply each event once, send each message once. */

Widget.prototype.onLinkState = function (state) {
  if (state !== "open") {
    this.ready = false;
    this.inflight = null;
  }
  this.setConnection(state);
};

Widget.prototype.onOpen = function () {
  this.link.send({type: "subscribe", session_id: this.chat.sessionId, last_seq: this.chat.lastSeq});
};

Widget.prototype.onFrame = function (frame) {
  if (frame.type === "event") this.onEvent(frame);
  else if (frame.type === "synced" && frame.session_id === this.chat.sessionId) this.onSynced(frame);
  else if (frame.type === "signal" && frame.session_id === this.chat.sessionId) this.onSignal(frame);
  else if (frame.type === "ack" || frame.type === "error") this.onAnswer(frame);
};

/* Events at or below the last seq were applied already (replay after a reconnect, or another tab). */
Widget.prototype.onEvent = function (event) {
  if (event.session_id !== this.chat.sessionId || event.seq <= this.chat.lastSeq) return;
  this.chat.lastSeq = event.seq;
  this.chat.events.push(event);
  this.handleEvent(event, true);
  this.updateUnread();
  this.persistSoon();
};

Widget.prototype.onSynced = function (frame) {
  this.chat.lastSeq = Math.max(this.chat.lastSeq, frame.seq);
  this.ready = true;
  this.setConnection("synced");
  this.persist();
  this.pump();
  this.sendRead();
};

Widget.prototype.onSignal = function (signal) {
  if (signal.event !== "typing" || signal.data.side !== "agent" || !this.chatView) return;
  var widget = this;
  clearTimeout(this.typingTimer);
  this.chatView.setTyping(signal.data.active ? this.chatView.ui.agentName(null) : null);
  if (signal.data.active) this.typingTimer = setTimeout(function () { widget.chatView.setTyping(null); }, 8000);
};

/* `live` is false while redrawing events kept from before a reload: the server's state is current. */
Widget.prototype.handleEvent = function (event, live) {
  var data = event.data;
  var view = this.chatView;
  if (event.event === "message" && view) {
    view.renderMessage(event);
    if (data.client_msg_id) this.delivered(data.client_msg_id);
    if (live && data.system_event === "upload_allowed") this.uploadAllowed = true;
    if (live && data.author !== "visitor") {
      view.setTyping(null);
      this.sendRead();
    }
  } else if (event.event === "assigned") {
    this.agentNames[data.agent_id] = data.agent_name;
    if (view) view.renderNotice(this.t("agent_joined", {name: data.agent_name}), event.seq);
    if (live) {
      this.agent = {name: data.agent_name, photo: data.agent_photo};
      if (this.status === "in_queue") this.status = "customer_last"; /* answered: no separate status event */
    }
  } else if (event.event === "read" && data.reader === "agent" && view) {
    view.markRead(data.up_to_seq);
  } else if (event.event === "status" && live) {
    this.status = data.status;
    if (data.request_id) this.requestId = data.request_id;
    if (Object.prototype.hasOwnProperty.call(data, "agent_id") && data.agent_id === null) this.agent = null;
  } else if (event.event === "queue" && live && view && this.status === "in_queue") {
    this.queue = data;
    view.setQueue(this.queueWithTimer(data));
  } else if (event.event === "rated" && live) {
    this.rated = true;
  }
  if (!live) return;
  if (event.event === "status" || event.event === "assigned") this.enterStatus();
  else if (event.event === "rated" || data.system_event === "upload_allowed") {
    this.refreshChrome();
  }
};

/* --- sending: an outbox in localStorage, one message in flight, resent until acknowledged --------- */
Widget.prototype.send = function (text) {
  var entry = {id: randomId("v-"), text: text};
  this.chat.outbox.push(entry);
  this.chat.composer = "";
  this.persist();
  this.chatView.renderPending(entry, this.ready);
  this.stopTyping(true);
  this.pump();
};

Widget.prototype.pump = function () {
  if (!this.ready || this.inflight || !this.chat.outbox.length || Date.now() < (this.pausedUntil || 0)) return;
  var head = this.chat.outbox[0];
  if (this.link.send({type: "send", id: head.id, session_id: this.chat.sessionId, text: head.text})) this.inflight = head.id;
};

Widget.prototype.delivered = function (clientId) {
  var before = this.chat.outbox.length;
  this.chat.outbox = this.chat.outbox.filter(function (entry) { return entry.id !== clientId; });
  if (this.chatView) this.chatView.dropPending(clientId);
  if (this.inflight === clientId) this.inflight = null;
  if (before !== this.chat.outbox.length) this.persist();
  this.pump();
};

Widget.prototype.onAnswer = function (frame) {
  var id = frame.id;
  if (id && this.waiting[id]) {
    var callback = this.waiting[id];
    delete this.waiting[id];
    callback(frame);
  } else if (id && id === this.inflight) {
    if (frame.type === "ack") this.delivered(id);
    else this.sendFailed(frame);
  } else if (frame.type === "error" && !id && frame.code === "unauthorized") {
    this.newChat();
  } else if (frame.type === "error" && frame.code === "not_found" && !this.ready) {
    this.newChat(); /* the chat of this token is gone (e.g. the server's data was reset) */
  }
};

Widget.prototype.sendFailed = function (frame) {
  var widget = this;
  this.inflight = null;
  if (frame.code === "rate_limited") {
    this.pausedUntil = Date.now() + RATE_RETRY_MS;
    this.showAlert(this.t("too_fast"));
    setTimeout(function () { widget.showAlert(""); widget.pump(); }, RATE_RETRY_MS + 10);
    return;
  }
  this.chat.outbox = this.chat.outbox.filter(function (entry) { return entry.id !== frame.id; });
  this.persist();
  this.chatView.failPending(frame.id, frame.message);
  this.pump();
};

/* A frame answered by one ack or error: end, rate. */
Widget.prototype.request = function (frame, callback) {
  frame.id = randomId("r-");
  this.waiting[frame.id] = callback;
  if (!this.ready || !this.link.send(frame)) {
    delete this.waiting[frame.id];
    callback({type: "error", code: "network", message: this.t("reconnecting")});
  }
};

/* --- typing, sneak-peek drafts (throttled), read receipts ---------------------------------------- */
Widget.prototype.onInput = function (text) {
  this.chat.composer = text;
  this.persistSoon();
  if (!this.ready || WRITING_STATUSES.indexOf(this.status) < 0) return;
  var draft = this.draft;
  var widget = this;
  if (!draft.active && text) {
    draft.active = true;
    this.link.send({type: "typing", session_id: this.chat.sessionId, active: true});
  }
  clearTimeout(draft.idle);
  draft.idle = setTimeout(function () { widget.stopTyping(false); }, TYPING_IDLE_MS);
  draft.text = text.slice(0, 1024);
  var wait = draft.at + DRAFT_EVERY_MS - Date.now();
  if (wait <= 0) this.flushDraft();
  else if (!draft.timer) draft.timer = setTimeout(function () { widget.flushDraft(); }, wait);
};

Widget.prototype.flushDraft = function () {
  var draft = this.draft;
  clearTimeout(draft.timer);
  draft.timer = null;
  draft.at = Date.now();
  if (draft.text !== draft.sent && this.link.send({type: "draft", session_id: this.chat.sessionId, text: draft.text})) {
    draft.sent = draft.text;
  }
};

Widget.prototype.stopTyping = function (sent) {
  var draft = this.draft;
  clearTimeout(draft.idle);
  if (draft.active && this.link) this.link.send({type: "typing", session_id: this.chat.sessionId, active: false});
  draft.active = false;
  if (sent && this.link) {
    draft.text = "";
    this.flushDraft();
  }
};

Widget.prototype.sendRead = function () {
  if (!this.ready || !this.chat.open || document.hidden) return;
  var last = 0;
  this.chat.events.forEach(function (e) {
    if (e.event === "message" && e.data.author === "agent" && e.seq > last) last = e.seq;
  });
  if (last > this.readSent && this.link.send({type: "read", session_id: this.chat.sessionId, up_to_seq: last})) {
    this.readSent = last;
  }
};
