/* The visitor's way through a chat: resume, pre-chat form, FAQ, queue, chat, post-chat, offline form. */

Widget.prototype.restore = function () {
  var widget = this;
  if (!this.chat.sessionId || !this.token) {
    this.forgetSession();
    this.showStart();
    return null;
  }
  return this.api.call("GET", "/api/v1/visitor/sessions/" + this.chat.sessionId).then(function (body) {
    if (widget.chat.lastSeq > body.session.last_seq) {
      widget.chat.events = [];
      widget.chat.lastSeq = 0;
    }
    widget.adoptState(body.session);
    widget.enterStatus();
  }, function (error) {
    if (error.code !== "not_found" && error.code !== "unauthorized") throw error;
    widget.forgetSession();
    widget.showStart();
  });
};

Widget.prototype.adoptState = function (session) {
  this.status = session.status;
  this.agent = session.agent ? {name: session.agent.name, photo: session.agent.photo} : null;
  this.uploadAllowed = !!session.upload_allowed;
  this.requestId = session.request_id;
  this.rated = session.rating !== null && session.rating !== undefined;
};

Widget.prototype.forgetSession = function () {
  if (this.link) this.link.stop();
  this.chat.sessionId = null;
  this.chat.lastSeq = 0;
  this.chat.events = [];
  this.chat.outbox = [];
  this.chat.seenSeq = 0;
  this.status = null;
  this.agent = null;
  this.agentNames = {};
  this.attachments = {};
  this.chatView = null;
  this.transcriptSent = null;
  this.ready = false;
  this.inflight = null;
  this.readSent = 0;
  clearInterval(this.queueTimer);
  this.persist();
  this.updateHeader();
  this.updateUnread();
  show(this.connection, false);
};

Widget.prototype.showStart = function (notice) {
  var question = this.draftQuestion || "";
  this.draftQuestion = "";
  if (this.channelDeleted) this.showUnavailable();
  else if (this.config.channel.available) this.showPrechat(question);
  else this.showOffline(question, notice);
};

Widget.prototype.formValues = function () {
  var values = {};
  var prefill = this.prefill;
  var saved = this.chat.form;
  ["name", "email", "phone", "company", "country"].forEach(function (field) {
    values[field] = saved[field] || prefill[field] || "";
  });
  return values;
};

Widget.prototype.showPrechat = function (question) {
  var widget = this;
  var channel = this.config.channel;
  this.setView("prechat", function () {
    return buildContactForm({
      t: widget.t, intro: channel.prechat_enabled ? widget.t("prechat_intro") : channel.description,
      fields: channel.prechat_enabled ? chooseFields(channel, widget.formValues(), false) : [],
      consentText: channel.prechat_enabled ? channel.consent_text : "", questionLabel: widget.t("field_question"),
      questionValue: question || "", maxChars: widget.config.limits.message_chars, submitLabel: widget.t("start_chat"),
      onSubmit: widget.afterPrechat.bind(widget)
    });
  });
};

Widget.prototype.afterPrechat = function (values, done) {
  var widget = this;
  this.rememberForm(values);
  if (!this.config.channel.has_faq) {
    this.startChat(values, done);
    return;
  }
  var path = "/api/v1/visitor/channels/" + this.channelId + "/faq?q=" + encodeURIComponent(values.question);
  this.api.call("GET", path).then(function (body) {
    if (!body.articles || !body.articles.length) {
      widget.startChat(values, done);
      return;
    }
    widget.setView("faq", function () {
      return buildFaq(widget.t, body.articles, function () {
        widget.showClosed([widget.t("faq_done")]);
      }, function (event) {
        event.target.disabled = true;
        widget.startChat(values, function () { event.target.disabled = false; });
      });
    });
  }, function () { widget.startChat(values, done); });
};

Widget.prototype.rememberForm = function (values) {
  var form = {};
  ["name", "email", "phone", "company", "country"].forEach(function (field) {
    if (values[field]) form[field] = values[field];
  });
  this.chat.form = form;
  this.persist();
};

/* Start the session: the server queues it, or (nobody can answer) leaves it on the offline form. */
Widget.prototype.startChat = function (values, done) {
  var widget = this;
  var body = {channel_id: this.channelId, language: this.language};
  ["name", "email", "phone", "company", "country", "consent", "question"].forEach(function (field) {
    if (values[field] !== undefined) body[field] = values[field];
  });
  return this.api.call("POST", "/api/v1/visitor/sessions", body).then(function (answer) {
    widget.token = answer.token;
    widget.store.setToken(answer.token);
    widget.forgetSession();
    widget.chat.sessionId = answer.session.session_id;
    widget.persist();
    widget.adoptState(answer.session);
    if (widget.status === "offline_form") widget.showOffline(values.question, widget.t("unavailable_now"));
    else widget.enterStatus();
    return answer;
  }, function (error) {
    widget.showAlert(error.message);
    done();
    return null;
  });
};

Widget.prototype.enterStatus = function () {
  var status = this.status;
  clearInterval(this.queueTimer);
  this.updateHeader();
  if (LIVE_STATUSES.indexOf(status) >= 0) {
    this.showChat();
    this.refreshChrome();
    if (status === "in_queue") this.followQueue();
    else this.chatView.setQueue(null);
    this.connect();
    return;
  }
  if (this.link) this.link.stop();
  show(this.connection, false);
  if (status === "offline_form") this.showOffline("");
  else if (status === "request_posted") this.showClosed([this.t("request_sent", {id: this.requestId}), this.t("request_followup")]);
  else this.showClosed([this.t("left_queue")]);
};

/* Header, attach button and post-chat section follow the status and what the visitor already did. */
Widget.prototype.refreshChrome = function () {
  this.updateHeader();
  if (!this.chatView) return;
  this.chatView.setStatus(this.status, {uploadAllowed: this.uploadAllowed, rated: this.rated, transcriptSent: this.transcriptSent});
};

Widget.prototype.connect = function () {
  if (!this.link) {
    var widget = this;
    this.link = new Link(this.server, {
      onOpen: function () { widget.onOpen(); },
      onFrame: function (frame) { widget.onFrame(frame); },
      onState: function (state) { widget.onLinkState(state); }
    }, this.config.limits.heartbeat_seconds);
  }
  this.link.start(this.token);
};

Widget.prototype.showChat = function () {
  var widget = this;
  if (this.viewName === "chat" && this.chatView) return;
  this.chatView = new ChatView({
    t: this.t, locale: this.locale, limits: this.config.limits, features: this.config.features, channel: this.config.channel,
    onSend: this.send.bind(this), onInput: this.onInput.bind(this), onAttach: this.attach.bind(this),
    onLeaveRequest: this.leaveRequest.bind(this), onRate: this.rate.bind(this), onTranscript: this.emailTranscript.bind(this),
    onNewChat: this.newChat.bind(this), attachmentInfo: this.attachmentInfo.bind(this),
    agentName: function (id) { return widget.agentNames[id] || (widget.agent && widget.agent.name) || widget.t("agent"); },
    firstQuestion: function () {
      var first = widget.chat.events.filter(function (e) { return e.event === "message" && e.data.author === "visitor"; })[0];
      return first ? first.data.body : "";
    },
    visitorEmail: function () { return widget.chat.form.email || widget.prefill.email || ""; }
  });
  this.viewName = null;
  this.setView("chat", function () { return widget.chatView.node; });
  this.chatView.input.value = this.chat.composer || "";
  this.chat.events.forEach(function (event) { widget.handleEvent(event, false); });
  this.chat.outbox.forEach(function (entry) { widget.chatView.renderPending(entry, false); });
  this.updateUnread();
};

Widget.prototype.followQueue = function () {
  var widget = this;
  var refresh = function () {
    widget.api.call("GET", "/api/v1/visitor/sessions/" + widget.chat.sessionId + "/queue").then(function (body) {
      if (widget.status !== "in_queue" || !widget.chatView || !body.queue) return;
      widget.queue = body.queue;
      widget.chatView.setQueue(widget.queueWithTimer(body.queue));
    }, function () { /* the next refresh tries again */ });
  };
  refresh();
  this.queueTimer = setInterval(refresh, QUEUE_REFRESH_MS);
};

/* The "Leave a request" threshold in minutes is a moment in time: count it here, not only on refresh. */
Widget.prototype.queueWithTimer = function (info) {
  var widget = this;
  var copy = Object.assign({}, info);
  if (!copy.leave_request_allowed && copy.leave_request_at) {
    var wait = new Date(copy.leave_request_at).getTime() - Date.now();
    if (wait <= 0) copy.leave_request_allowed = true;
    else {
      clearTimeout(this.leaveTimer);
      this.leaveTimer = setTimeout(function () {
        if (widget.status === "in_queue" && widget.chatView) widget.chatView.setQueue(widget.queueWithTimer(widget.queue));
      }, Math.min(wait + 500, 2147483000));
    }
  }
  return copy;
};

Widget.prototype.leaveRequest = function (text, done) {
  var widget = this;
  this.api.call("POST", "/api/v1/visitor/sessions/" + this.chat.sessionId + "/request", {text: text}).then(function (body) {
    widget.adoptState(body.session);
    widget.requestId = body.request_id;
    widget.enterStatus();
  }, function (error) {
    widget.showAlert(error.message);
    done();
  });
};

Widget.prototype.showOffline = function (message, notice) {
  var widget = this;
  var channel = this.config.channel;
  this.setView("offline", function () {
    var form = buildContactForm({
      t: widget.t, intro: widget.t("offline_intro"), fields: chooseFields(channel, widget.formValues(), true),
      consentText: channel.consent_text, questionLabel: widget.t("field_message"), questionValue: message,
      maxChars: widget.config.limits.message_chars * 4, submitLabel: widget.t("send_request"),
      onSubmit: widget.sendOfflineRequest.bind(widget)
    });
    return h("div", {}, [h("h3", {"class": "lcw-heading", text: widget.t("offline_title")}),
      notice ? h("p", {"class": "lcw-note", text: notice}) : null, form]);
  });
};

/* Offline form: a session on the offline form (created now if needed), then the request on it. */
Widget.prototype.sendOfflineRequest = function (values, done) {
  var widget = this;
  this.rememberForm(values);
  var ready = this.chat.sessionId && this.status === "offline_form" ? Promise.resolve(true)
    : this.startChat(Object.assign({}, values, {question: values.question.slice(0, 1024)}), done);
  ready.then(function (started) {
    /* null: startChat showed the error; not on the offline form: someone became available, the chat started */
    if (started === null || widget.status !== "offline_form") return;
    widget.leaveRequest(values.question, done);
  });
};

Widget.prototype.showClosed = function (lines) {
  var widget = this;
  this.setView("closed-" + lines.join("|"), function () {
    return buildClosed(lines, widget.t("new_chat"), widget.newChat.bind(widget));
  });
};

Widget.prototype.newChat = function () {
  this.forgetSession();
  this.viewName = null;
  this.showStart();
};
