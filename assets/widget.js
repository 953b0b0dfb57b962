/* The widget: one per script tag. It builds its shadow DOM, keeps the chat's state, and connects the
   views (widget-forms.js, widget-chat.js) to the server (widget-link.js). */

var DRAFT_EVERY_MS = 1000;
var TYPING_IDLE_MS = 4000;
var RATE_RETRY_MS = 1500;
var QUEUE_REFRESH_MS = 30000;
var LIVE_STATUSES = ["in_queue", "customer_last", "agent_last", "ended"];
var WRITING_STATUSES = ["in_queue", "customer_last", "agent_last"];

function Widget(script) {
  var data = script.dataset;
  this.server = (data.server || new URL(script.src, window.location.href).origin).replace(/\/$/, "");
  this.channelId = parseInt(data.channel, 10);
  this.options = {title: data.title, theme: data.theme, size: data.size, color: data.color, font: data.font,
                  delay: parseFloat(data.delay || "0") || 0, language: data.language};
  this.prefill = {};
  var prefill = this.prefill;
  ["name", "email", "phone", "company", "country"].forEach(function (field) {
    var value = resolvePrefill(data[field]);
    if (value) prefill[field] = value.slice(0, 255);
  });
  this.store = new Store(this.server, this.channelId);
  this.chat = this.store.chat();
  this.token = this.store.token();
  var widget = this;
  this.api = new Api(this.server, function () { return widget.token; });
  this.status = null;
  this.agent = null;
  this.agentNames = {};
  this.attachments = {};
  this.waiting = {};
  this.ready = false;
  this.inflight = null;
  this.readSent = 0;
  this.draft = {active: false, text: "", sent: "", at: 0, timer: null, idle: null};
}

Widget.prototype.boot = function () {
  var widget = this;
  this.api.call("GET", "/api/v1/visitor/channels/" + this.channelId).then(function (config) {
    widget.config = config;
    widget.buildShell(pickLanguage([widget.options.language, config.channel.language, navigator.language]));
    return widget.restore();
  }).catch(function (error) {
    if (!widget.root) widget.buildShell(pickLanguage([widget.options.language, navigator.language]));
    widget.fail(error);
  });
  window.addEventListener("pagehide", function () { widget.persist(); });
  document.addEventListener("visibilitychange", function () { widget.sendRead(); });
};

Widget.prototype.buildShell = function (language) {
  var t = this.t = makeTranslator(language);
  this.language = language;
  this.locale = navigator.language && navigator.language.slice(0, 2) === language ? navigator.language : t("locale");
  var channel = this.config ? this.config.channel : {name: "Chat", widget: {}, badge_header: t("open_chat")};
  var host = document.createElement("div");
  host.setAttribute("data-livechat-channel", String(this.channelId));
  document.body.appendChild(host);
  var shadow = host.attachShadow({mode: "open"});
  shadow.appendChild(h("style", {text: WIDGET_CSS}));
  this.root = h("div", {"class": "lcw-root", attrs: {lang: language}});
  this.buildLauncher(channel);
  this.buildPanel(channel);
  this.applyLook(channel);
  shadow.appendChild(this.root);
  var widget = this;
  var delay = this.chat.sessionId || this.chat.open ? 0 : this.options.delay * 1000;
  setTimeout(function () { show(widget.launcher, !widget.chat.open); if (widget.chat.open) widget.openPanel(false); }, delay);
};

/* Theme, size, colours, font, logo and header texts: the page's script tag first, then the channel's
   settings (applied again when the admin changes them while the widget is open). */
Widget.prototype.applyLook = function (channel) {
  var look = channel.widget || {};
  var options = this.options;
  var theme = options.theme || look.theme;
  var size = options.size || look.size;
  this.root.className = "lcw-root lcw-theme-" + (theme === "classic" ? "classic" : "modern") +
    " lcw-size-" + (size === "large" ? "large" : "normal");
  var colour = safeColour(options.color) || safeColour(look.color) || "#0b5fff";
  var header = safeColour(look.header_color);
  var bubble = safeColour(look.agent_bubble_color);
  var fontSize = parseInt(look.font_size, 10);
  setStyleVar(this.root, "--lcw-accent", colour);
  setStyleVar(this.root, "--lcw-on-accent", textOn(colour));
  setStyleVar(this.root, "--lcw-header", header);
  setStyleVar(this.root, "--lcw-on-header", header && textOn(header));
  setStyleVar(this.root, "--lcw-panel-bg", safeColour(look.background_color));
  setStyleVar(this.root, "--lcw-ink", safeColour(look.text_color));
  setStyleVar(this.root, "--lcw-agent-bubble", bubble);
  setStyleVar(this.root, "--lcw-on-agent-bubble", bubble && textOn(bubble));
  setStyleVar(this.root, "--lcw-font", safeFont(options.font) || safeFont(look.font));
  setStyleVar(this.root, "--lcw-font-size", fontSize >= 12 && fontSize <= 20 ? fontSize + "px" : null);
  var title = options.title || look.title || channel.name;
  this.title.textContent = title;
  this.panel.setAttribute("aria-label", this.t("chat_label", {name: title}));
  this.launcherText.textContent = channel.badge_header || this.t("open_chat");
  this.look = {subtitle: look.subtitle || "", logo: isHttpUrl(look.logo_url) ? look.logo_url : ""};
  this.updateHeader();
};

Widget.prototype.buildLauncher = function (channel) {
  var t = this.t;
  this.badge = h("span", {"class": "lcw-badge", attrs: {hidden: true, "aria-hidden": "true"}});
  this.badgeText = h("span", {"class": "lcw-sr"});
  this.launcher = h("button", {"class": "lcw-launcher", attrs: {type: "button", hidden: true, "aria-expanded": "false"},
                               on: {click: this.openPanel.bind(this, true)}}, [
    h("span", {"class": "lcw-launcher-icon", text: "💬", attrs: {"aria-hidden": "true"}}),
    this.launcherText = h("span", {"class": "lcw-launcher-text", text: channel.badge_header || t("open_chat")}),
    this.badge, this.badgeText
  ]);
  this.root.appendChild(this.launcher);
};

Widget.prototype.buildPanel = function (channel) {
  var t = this.t;
  var title = this.options.title || channel.name;
  this.title = h("h2", {"class": "lcw-title", text: title});
  this.logo = h("img", {"class": "lcw-logo", attrs: {alt: "", hidden: true}});
  this.photo = h("img", {"class": "lcw-photo", attrs: {alt: "", hidden: true}});
  this.subtitle = h("p", {"class": "lcw-subtitle"});
  this.connection = h("p", {"class": "lcw-connection", attrs: {role: "status", hidden: true}});
  this.endButton = h("button", {"class": "lcw-end", text: t("end_chat"), attrs: {type: "button", hidden: true},
                                on: {click: this.confirmEnd.bind(this)}});
  var minimise = h("button", {"class": "lcw-icon-btn", attrs: {type: "button", "aria-label": t("minimise"), title: t("minimise")},
                              on: {click: this.closePanel.bind(this)}}, [h("span", {text: "–", attrs: {"aria-hidden": "true"}})]);
  this.confirmBar = h("div", {"class": "lcw-confirm", attrs: {hidden: true}});
  this.alert = h("p", {"class": "lcw-alert", attrs: {role: "alert", hidden: true}});
  this.body = h("div", {"class": "lcw-body"}, [h("p", {"class": "lcw-intro", text: t("loading")})]);
  this.announcer = h("p", {"class": "lcw-sr", attrs: {"aria-live": "polite"}});
  this.panel = h("section", {"class": "lcw-panel", attrs: {role: "dialog", "aria-label": t("chat_label", {name: title}), hidden: true}}, [
    h("header", {"class": "lcw-header"}, [this.logo, this.photo, h("div", {"class": "lcw-titles"}, [
      this.title, this.subtitle, this.connection]), this.endButton, minimise]),
    this.confirmBar, this.alert, this.body, this.announcer
  ]);
  var widget = this;
  this.panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") widget.closePanel();
  });
  this.root.appendChild(this.panel);
};

Widget.prototype.openPanel = function (byHand) {
  this.chat.open = true;
  this.followChannel();
  show(this.panel, true);
  show(this.launcher, false);
  this.launcher.setAttribute("aria-expanded", "true");
  this.chat.seenSeq = this.chat.lastSeq;
  this.updateUnread();
  this.persist();
  this.sendRead();
  if (byHand) this.focusBody();
};

Widget.prototype.closePanel = function () {
  this.chat.open = false;
  this.followChannel();
  show(this.panel, false);
  show(this.launcher, true);
  this.launcher.setAttribute("aria-expanded", "false");
  this.persist();
  this.launcher.focus();
};

Widget.prototype.focusBody = function () {
  var target = this.viewName === "chat" && this.chatView ? this.chatView.input
    : this.body.querySelector("input:not([type=hidden]), textarea, button");
  if (target && this.chat.open) target.focus();
};

Widget.prototype.announce = function (text) {
  var announcer = this.announcer;
  announcer.textContent = "";
  setTimeout(function () { announcer.textContent = text; }, 50);
};

Widget.prototype.showAlert = function (text) {
  this.alert.textContent = text || "";
  show(this.alert, !!text);
};

Widget.prototype.fail = function (error) {
  if (error && error.code === "not_found") {
    this.showUnavailable();
    show(this.launcher, !this.chat.open);
    return;
  }
  var refused = error && error.code === "origin_not_allowed";
  if (window.console) console.error("Chat widget: " + (error && error.message ? error.message : error));
  this.setView("error", function () {
    return h("div", {"class": "lcw-form"}, [h("p", {text: refused ? this.t("origin_refused") : this.t("error_generic", {message: error.message || ""})}),
      refused ? h("p", {"class": "lcw-hint", text: error.message}) : null]);
  }.bind(this));
  show(this.launcher, true);
};

Widget.prototype.setView = function (name, build) {
  this.followChannel();
  if (this.viewName === name && name === "chat") return;
  this.viewName = name;
  clear(this.body);
  this.body.appendChild(build());
  this.showAlert("");
  if (this.chat.open) this.focusBody();
};

Widget.prototype.updateUnread = function () {
  var seen = this.chat.open ? this.chat.lastSeq : this.chat.seenSeq;
  if (this.chat.open) this.chat.seenSeq = seen;
  var count = this.chat.events.filter(function (e) {
    return e.event === "message" && e.data.author !== "visitor" && e.seq > seen;
  }).length;
  this.badge.textContent = String(count);
  show(this.badge, count > 0);
  this.badgeText.textContent = count > 0 ? " (" + this.t("unread", {n: count}) + ")" : "";
};

Widget.prototype.updateHeader = function () {
  var agent = this.agent;
  var live = LIVE_STATUSES.indexOf(this.status) >= 0 && this.status !== "ended";
  var look = this.look || {subtitle: "", logo: ""};
  var photo = !!agent && isHttpUrl(agent.photo);
  this.subtitle.textContent = agent ? agent.name : look.subtitle;
  if (photo) this.photo.src = agent.photo;
  show(this.photo, photo);
  if (look.logo && this.logo.getAttribute("src") !== look.logo) this.logo.src = look.logo;
  show(this.logo, !photo && !!look.logo);
  show(this.endButton, live);
  if (!live) show(this.confirmBar, false);
};

Widget.prototype.setConnection = function (state) {
  var texts = {connecting: "connecting", open: "connecting", reconnecting: "reconnecting", synced: "connected"};
  this.connection.textContent = this.t(texts[state]);
  this.connection.className = "lcw-connection lcw-conn-" + state;
  show(this.connection, LIVE_STATUSES.indexOf(this.status) >= 0);
  if (this.chatView) this.chatView.setPendingState(state === "synced");
};

Widget.prototype.persist = function () {
  clearTimeout(this.persistTimer);
  this.persistTimer = null;
  this.store.saveChat(this.chat);
};

Widget.prototype.persistSoon = function () {
  var widget = this;
  if (!this.persistTimer) this.persistTimer = setTimeout(function () { widget.persist(); }, 250);
};

function startWidgets() {
  var registry = window.__livechatWidgets = window.__livechatWidgets || {};
  var scripts = document.querySelectorAll("script[data-channel]");
  Array.prototype.forEach.call(scripts, function (script) {
    if (!/\/widget\.js(\?|#|$)/.test(script.src || "")) return;
    var key = (script.dataset.server || new URL(script.src, window.location.href).origin) + "#" + script.dataset.channel;
    if (registry[key] || !/^\d+$/.test(script.dataset.channel || "")) return;
    registry[key] = new Widget(script);
    registry[key].boot();
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startWidgets);
else startWidgets();
