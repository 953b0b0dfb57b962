/* What the visitor does besides writing: end the chat, rate it, mail the transcript, attach files. */

Widget.prototype.confirmEnd = function () {
  var widget = this;
  var t = this.t;
  clear(this.confirmBar);
  var yes = h("button", {"class": "lcw-danger", text: t("end_chat"), attrs: {type: "button"}, on: {click: function () {
    yes.disabled = true;
    widget.request({type: "end", session_id: widget.chat.sessionId}, function (answer) {
      show(widget.confirmBar, false);
      if (answer.type === "error") widget.showAlert(answer.message);
    });
  }}});
  var no = h("button", {"class": "lcw-secondary", text: t("cancel"), attrs: {type: "button"}, on: {click: function () {
    show(widget.confirmBar, false);
    widget.endButton.focus();
  }}});
  this.confirmBar.appendChild(h("p", {text: t("end_confirm")}));
  this.confirmBar.appendChild(h("div", {"class": "lcw-row"}, [yes, no]));
  show(this.confirmBar, true);
  no.focus();
};

Widget.prototype.rate = function (rating, comment, done) {
  var widget = this;
  this.request({type: "rate", session_id: this.chat.sessionId, rating: rating, comment: comment}, function (answer) {
    if (answer.type === "error") {
      widget.showAlert(answer.message);
      done();
      return;
    }
    widget.rated = true;
    widget.refreshChrome();
  });
};

Widget.prototype.emailTranscript = function (email, done) {
  var widget = this;
  var zone = "UTC";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch (error) { /* an old browser: times in UTC */ }
  var path = "/api/v1/visitor/sessions/" + this.chat.sessionId + "/transcript";
  this.api.call("POST", path, {email: email, time_zone: zone, language: this.language}).then(function (body) {
    widget.transcriptSent = body.sent_to || email;
    widget.refreshChrome();
  }, function (error) {
    widget.showAlert(error.message);
    done();
  });
};

/* Checked here first (type and size, with a clear message), then by the server again. */
Widget.prototype.attach = function (file) {
  var widget = this;
  var t = this.t;
  var limits = this.config.limits;
  var dot = file.name.lastIndexOf(".");
  var extension = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
  if (limits.upload_extensions.indexOf(extension) < 0) {
    this.chatView.showComposerError(t("file_type", {ext: extension || file.name, list: limits.upload_extensions.join(", ")}));
    return;
  }
  if (file.size > limits.upload_max_bytes) {
    this.chatView.showComposerError(t("file_too_big", {name: file.name, max: formatSize(limits.upload_max_bytes)}));
    return;
  }
  this.chatView.showComposerError("");
  this.showAlert("");
  this.announce(t("uploading", {name: file.name}));
  var path = "/api/v1/visitor/sessions/" + this.chat.sessionId + "/attachments?filename=" + encodeURIComponent(file.name);
  this.api.call("POST", path, file, file.type || "application/octet-stream").then(function (body) {
    widget.attachments[body.attachment.id] = body.attachment;
  }, function (error) {
    widget.chatView.showComposerError(error.message);
  });
};

/* A file's name, type and signed link: the chat's list is fetched when an unknown file shows up. */
Widget.prototype.attachmentInfo = function (id, callback, retried) {
  var widget = this;
  if (this.attachments[id]) {
    callback(this.attachments[id]);
    return;
  }
  if (!this.attachmentList) {
    this.attachmentList = this.api.call("GET", "/api/v1/visitor/sessions/" + this.chat.sessionId + "/attachments");
    this.attachmentList.then(function (body) {
      widget.attachmentList = null;
      body.attachments.forEach(function (info) { widget.attachments[info.id] = info; });
    }, function () { widget.attachmentList = null; });
  }
  this.attachmentList.then(function () {
    if (widget.attachments[id]) callback(widget.attachments[id]);
    else if (!retried) widget.attachmentInfo(id, callback, true); /* the list was read before the file was stored */
    else callback(null);
  }, function () { callback(null); });
};
