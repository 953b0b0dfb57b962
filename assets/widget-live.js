/* While the panel is open and no chat is running, the widget follows its channel over a second,
   token-less socket (/ws/visitor/channels/<id>): when agents go Away or the opening hours close the
   channel, the pre-chat form becomes the offline form (and back); new settings are read again and
   applied; a deleted channel says the chat is not available. A running chat keeps its own socket. */

Widget.prototype.followChannel = function () {
  var wanted = !!this.config && this.chat.open && WRITING_STATUSES.indexOf(this.status) < 0;
  if (!wanted) {
    if (this.channelLink) this.channelLink.stop();
    return;
  }
  if (!this.channelLink) {
    var widget = this;
    this.channelLink = new Link(this.server, {
      onOpen: function () {}, onState: function () {},
      onFrame: function (frame) { widget.onChannelFrame(frame); }
    }, this.config.limits.heartbeat_seconds, "/ws/visitor/channels/" + this.channelId);
  }
  this.channelLink.start(null);
};

Widget.prototype.onChannelFrame = function (frame) {
  if (frame.type === "error" && frame.code === "not_found") {
    this.channelLink.stop();
    this.channelGone();
    return;
  }
  if (frame.type !== "channel") return;
  if (frame.deleted) {
    this.channelGone();
    return;
  }
  this.channelDeleted = false;
  if (frame.version === this.config.channel.version) {
    this.onAvailability(frame.available);
    return;
  }
  var widget = this;
  this.config.channel.version = frame.version;
  this.api.call("GET", "/api/v1/visitor/channels/" + this.channelId).then(function (config) {
    widget.config = config;
    widget.applyLook(config.channel);
    widget.onAvailability(config.channel.available);
  }, function (error) {
    if (error.code === "not_found") widget.channelGone();
  });
};

/* Only the start views switch; a chat that exists (even an ended one) has its own views. */
Widget.prototype.onAvailability = function (available) {
  this.config.channel.available = available;
  if (this.chat.sessionId) return;
  var stale = this.viewName === "unavailable" || (this.viewName === "prechat" && !available) ||
    (this.viewName === "offline" && available);
  if (!stale) return;
  this.draftQuestion = this.keepTyped();
  this.viewName = null;
  this.showStart(available ? "" : this.t("unavailable_now"));
};

/* What the visitor typed in the form on screen: contact fields are kept with the saved form values,
   the question or message is returned to be put in the next form. */
Widget.prototype.keepTyped = function () {
  var form = Object.assign({}, this.chat.form);
  var question = "";
  Array.prototype.forEach.call(this.body.querySelectorAll("input[name], textarea[name]"), function (field) {
    if (field.name === "question") question = field.value;
    else if (field.type !== "checkbox" && field.value.trim()) form[field.name] = field.value.trim();
  });
  this.chat.form = form;
  this.persist();
  return question;
};

Widget.prototype.channelGone = function () {
  this.channelDeleted = true;
  if (this.chat.sessionId && WRITING_STATUSES.indexOf(this.status) >= 0) return; /* that chat goes on */
  this.showUnavailable();
};

Widget.prototype.showUnavailable = function () {
  var t = this.t;
  this.setView("unavailable", function () {
    return h("div", {"class": "lcw-form"}, [h("p", {"class": "lcw-intro", text: t("chat_unavailable")})]);
  });
};
