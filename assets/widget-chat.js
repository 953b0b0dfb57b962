/* The conversation: queue banner, message log (an ARIA live log), typing line, composer, post-chat. */

/* System messages the visitor sees; "transferred" and "taken_over" show as the new agent joining. */
var SYSTEM_TEXTS = {
  closed_by_agent: "ended_by_agent", closed_by_visitor: "ended_by_visitor", closed_by_idle: "ended_by_idle",
  reopened: "reopened", upload_allowed: "upload_allowed"
};

/* ui: t, locale, limits, features, channel, and the callbacks on* and agentName / attachmentInfo. */
function ChatView(ui) {
  this.ui = ui;
  var t = ui.t;
  this.queueText = h("p", {"class": "lcw-queue-text", attrs: {role: "status"}});
  this.leaveButton = h("button", {"class": "lcw-secondary", text: t("leave_request"), attrs: {type: "button", hidden: true},
                                  on: {click: this.openRequestForm.bind(this)}});
  this.requestSlot = h("div");
  this.queueBox = h("div", {"class": "lcw-queue", attrs: {hidden: true}}, [
    this.queueText, h("p", {"class": "lcw-hint", text: t("queue_keep_writing")}), this.leaveButton, this.requestSlot
  ]);
  this.log = h("ol", {"class": "lcw-log", attrs: {role: "log", "aria-live": "polite", "aria-label": t("messages"), tabindex: "0"}});
  this.typing = h("p", {"class": "lcw-typing", attrs: {hidden: true}});
  this.post = h("div", {"class": "lcw-post", attrs: {hidden: true}});
  this.buildComposer();
  this.scroller = h("div", {"class": "lcw-scroll"}, [this.log, this.typing, this.post]);
  this.node = h("div", {"class": "lcw-chat"}, [this.queueBox, this.scroller, this.composer]);
  this.bySeq = {};
  this.pending = {};
  this.readUpTo = 0;
  this.receipt = null;
  this.postState = "";
}

ChatView.prototype.buildComposer = function () {
  var ui = this.ui;
  var t = ui.t;
  var view = this;
  var id = domId("composer");
  this.input = h("textarea", {attrs: {id: id, rows: 2, placeholder: t("composer_label")}});
  this.input.addEventListener("input", function () { ui.onInput(view.input.value); });
  this.input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      view.submit();
    }
  });
  this.fileInput = h("input", {"class": "lcw-sr", attrs: {type: "file", tabindex: "-1", "aria-hidden": "true",
                                                         accept: ui.limits.upload_extensions.join(",")}});
  this.fileInput.addEventListener("change", function () {
    if (view.fileInput.files && view.fileInput.files[0]) ui.onAttach(view.fileInput.files[0]);
    view.fileInput.value = "";
  });
  this.attachButton = h("button", {"class": "lcw-icon-btn lcw-attach", attrs: {type: "button", "aria-label": t("attach"), title: t("attach"), hidden: true},
                                   on: {click: function () { view.fileInput.click(); }}}, [h("span", {text: "📎", attrs: {"aria-hidden": "true"}})]);
  this.composerError = h("p", {"class": "lcw-error", attrs: {role: "alert", hidden: true}});
  this.composer = h("form", {"class": "lcw-composer", attrs: {novalidate: true}}, [
    h("label", {"class": "lcw-sr", attrs: {"for": id}, text: t("composer_label")}),
    h("div", {"class": "lcw-composer-row"}, [this.input, this.attachButton, this.fileInput,
      h("button", {"class": "lcw-send", text: t("send"), attrs: {type: "submit"}})]),
    this.composerError
  ]);
  this.composer.addEventListener("submit", function (event) {
    event.preventDefault();
    view.submit();
  });
};

ChatView.prototype.submit = function () {
  var text = this.input.value.trim();
  if (!text) return;
  var max = this.ui.limits.message_chars;
  if (text.length > max) {
    this.showComposerError(this.ui.t("err_too_long", {n: text.length, max: max}));
    return;
  }
  this.showComposerError("");
  this.input.value = "";
  this.ui.onSend(text);
};

ChatView.prototype.showComposerError = function (message) {
  this.composerError.textContent = message || "";
  show(this.composerError, !!message);
};

ChatView.prototype.atBottom = function () {
  var box = this.scroller;
  return box.scrollHeight - box.scrollTop - box.clientHeight < 60;
};

ChatView.prototype.toBottom = function () {
  this.scroller.scrollTop = this.scroller.scrollHeight;
};

ChatView.prototype.append = function (item, beforePending) {
  var stick = this.atBottom();
  var firstPending = beforePending ? this.log.querySelector(".lcw-pending") : null;
  this.log.insertBefore(item, firstPending);
  if (stick) this.toBottom();
};

ChatView.prototype.messageItem = function (author, who, at, content) {
  return h("li", {"class": "lcw-msg lcw-from-" + author}, [
    h("div", {"class": "lcw-meta"}, [
      who ? h("span", {"class": "lcw-author", text: who}) : null,
      at ? h("time", {attrs: {datetime: at}, text: formatStamp(at, this.ui.locale)}) : null
    ]),
    content
  ]);
};

/* One stored message event (text, file or system line). */
ChatView.prototype.renderMessage = function (event) {
  var t = this.ui.t;
  var data = event.data;
  var item;
  if (data.kind === "system" && data.system_event !== "welcome") {
    var key = SYSTEM_TEXTS[data.system_event];
    if (!key) return;
    var name = data.system_event === "upload_allowed" || data.system_event === "closed_by_agent"
      ? this.ui.agentName(null) : data.body;
    item = h("li", {"class": "lcw-msg lcw-system"}, [h("p", {text: t(key, {name: name || t("agent")})})]);
  } else {
    var author = data.author === "visitor" ? "visitor" : "agent";
    var who = data.author === "visitor" ? t("you")
      : data.author === "system" ? this.ui.channel.name : this.ui.agentName(data.author_user_id);
    var content = data.kind === "attachment" ? this.fileContent(data) : h("p", {"class": "lcw-text", text: data.body});
    item = this.messageItem(author, who, event.at, content);
  }
  item.setAttribute("data-seq", String(event.seq));
  this.bySeq[event.seq] = {item: item, author: data.author};
  if (data.client_msg_id && this.pending[data.client_msg_id]) this.dropPending(data.client_msg_id);
  this.append(item, true);
  if (data.author === "visitor" && event.seq <= this.readUpTo) this.markRead(this.readUpTo, true);
};

ChatView.prototype.fileContent = function (data) {
  var box = h("p", {"class": "lcw-file"}, [h("span", {text: "📎 ", attrs: {"aria-hidden": "true"}}), data.body]);
  var view = this;
  this.ui.attachmentInfo(data.attachment_id, function (info) {
    if (!info || !isHttpUrl(info.url)) return;
    clear(box);
    var link = h("a", {attrs: {href: info.url, target: "_blank", rel: "noopener noreferrer"}});
    if (info.is_image) {
      link.appendChild(h("img", {"class": "lcw-thumb", attrs: {src: info.url, alt: info.filename}}));
      box.appendChild(link);
      box.appendChild(h("span", {"class": "lcw-caption", text: info.filename}));
    } else {
      link.setAttribute("download", info.filename);
      link.appendChild(document.createTextNode("📎 " + info.filename + " (" + formatSize(info.size) + ")"));
      box.appendChild(link);
    }
    if (view.atBottom()) view.toBottom();
  });
  return box;
};

ChatView.prototype.renderNotice = function (text, seq) {
  var item = h("li", {"class": "lcw-msg lcw-system"}, [h("p", {text: text})]);
  item.setAttribute("data-seq", String(seq));
  this.append(item, true);
};

/* A message of ours not yet stored: it stays at the bottom until its event arrives. */
ChatView.prototype.renderPending = function (entry, connected) {
  var status = h("p", {"class": "lcw-receipt"});
  var item = this.messageItem("visitor", this.ui.t("you"), null, h("p", {"class": "lcw-text", text: entry.text}));
  item.classList.add("lcw-pending");
  item.appendChild(status);
  this.pending[entry.id] = {item: item, status: status};
  this.append(item, false);
  this.setPendingState(connected);
};

ChatView.prototype.setPendingState = function (connected) {
  var t = this.ui.t;
  var view = this;
  Object.keys(this.pending).forEach(function (id) {
    var entry = view.pending[id];
    if (!entry.failed) entry.status.textContent = connected ? t("sending") : t("waiting_to_send");
  });
};

ChatView.prototype.dropPending = function (clientId) {
  var entry = this.pending[clientId];
  if (entry && entry.item.parentNode) entry.item.parentNode.removeChild(entry.item);
  delete this.pending[clientId];
};

ChatView.prototype.failPending = function (clientId, reason) {
  var entry = this.pending[clientId];
  if (!entry) return;
  entry.failed = true;
  entry.item.classList.add("lcw-failed");
  entry.status.textContent = this.ui.t("not_sent", {reason: reason});
};

/* "Read" under the newest of our messages the agent has read. */
ChatView.prototype.markRead = function (upToSeq, force) {
  if (upToSeq <= this.readUpTo && !force) return;
  this.readUpTo = Math.max(this.readUpTo, upToSeq);
  var newest = null;
  var view = this;
  Object.keys(this.bySeq).forEach(function (seq) {
    var entry = view.bySeq[seq];
    if (entry.author === "visitor" && Number(seq) <= view.readUpTo && (!newest || Number(seq) > newest.seq)) {
      newest = {seq: Number(seq), item: entry.item};
    }
  });
  if (!newest) return;
  if (this.receipt && this.receipt.parentNode) this.receipt.parentNode.removeChild(this.receipt);
  this.receipt = h("p", {"class": "lcw-receipt", text: this.ui.t("read")});
  newest.item.appendChild(this.receipt);
};

ChatView.prototype.setTyping = function (name) {
  this.typing.textContent = name ? this.ui.t("agent_typing", {name: name}) : "";
  show(this.typing, !!name);
};

ChatView.prototype.setQueue = function (info) {
  show(this.queueBox, !!info);
  if (!info) {
    clear(this.requestSlot);
    return;
  }
  var t = this.ui.t;
  var wait = formatWait(info.estimated_wait_seconds, t);
  var template = this.ui.channel.queue_message || t("queue_position") + " " + t("queue_wait");
  this.queueText.textContent = fillTemplate(template, {position: info.position, wait: wait});
  show(this.leaveButton, !!info.leave_request_allowed && !this.requestSlot.firstChild);
};

ChatView.prototype.openRequestForm = function () {
  var ui = this.ui;
  var view = this;
  show(this.leaveButton, false);
  var form = buildRequestForm(ui.t, ui.firstQuestion(), ui.limits.message_chars, function (text, done) {
    ui.onLeaveRequest(text, done);
  });
  clear(this.requestSlot);
  this.requestSlot.appendChild(form);
  form.querySelector("textarea").focus();
  view.queueBox.scrollIntoView({block: "nearest"});
};

/* Composer, attach button and post-chat section for the chat's status. */
ChatView.prototype.setStatus = function (status, extra) {
  var ended = status === "ended";
  var active = status === "customer_last" || status === "agent_last";
  this.input.placeholder = this.ui.t(ended ? "composer_reopen" : "composer_label");
  show(this.attachButton, active && !!extra.uploadAllowed);
  if (!active) this.setTyping(null);
  var postState = ended ? (extra.rated ? "rated" : "rate") + (extra.transcriptSent ? "-sent" : "") : "";
  if (postState === this.postState) return;
  this.postState = postState;
  clear(this.post);
  show(this.post, ended);
  if (ended) this.buildPost(extra);
  this.toBottom();
};

ChatView.prototype.buildPost = function (extra) {
  var ui = this.ui;
  var t = ui.t;
  this.post.appendChild(extra.rated ? h("p", {"class": "lcw-note", attrs: {role: "status"}, text: t("rating_thanks")})
    : buildRating(t, ui.channel.rating_text, ui.onRate));
  if (ui.features.transcript_email && ui.channel.offer_transcript !== false) {
    this.post.appendChild(extra.transcriptSent
      ? h("p", {"class": "lcw-note", attrs: {role: "status"}, text: t("transcript_sent", {email: extra.transcriptSent})})
      : buildTranscriptForm(t, ui.visitorEmail(), ui.onTranscript));
  }
  this.post.appendChild(h("button", {"class": "lcw-secondary", text: t("new_chat"), attrs: {type: "button"}, on: {click: ui.onNewChat}}));
};
