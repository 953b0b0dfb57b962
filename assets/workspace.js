/* The Chats tab: renders my sessions and the open conversation from window.chatRT, and sends the
 * agent's actions over the same socket. Text is always passed as text children, never as HTML. */
(function () {
  "use strict";

  const RECENT_MS = 8 * 3600 * 1000;
  const TEXT = {
    en: {
      ended: "Ended", transferred_away: "Transferred", unread: "unread", typing: "Visitor is typing…",
      listening: "You are listening in; you cannot write to the visitor.",
      former: "Another agent now handles this chat; you are listening in.",
      transfer_to_me: "{name} wants to transfer this chat to you.",
      transfer_from_me: "Waiting for {name} to accept the transfer.", someone: "an agent",
      whisper: "Whisper from {name}", read: "Read", visitor: "Visitor", system: "System",
      welcome: "{body}", transferred: "The chat was transferred to {body}.",
      transfer_rejected: "{body} rejected the transfer.", closed_by_agent: "The agent ended the chat.",
      closed_by_visitor: "The visitor ended the chat.", closed_by_idle: "The chat was closed after inactivity.",
      reopened: "The visitor reopened the chat.", upload_allowed: "File upload is allowed.",
      taken_over: "{body} took over the chat.", queue_empty: "There is no chat waiting in your channels.",
      status_in_queue: "In queue", status_customer_last: "Visitor wrote last", status_agent_last: "Agent wrote last",
      status_ended: "Ended", status_closed_from_queue: "Left the queue", status_request_posted: "Request posted",
      status_offline_form: "Offline form", status_prechat_form: "Pre-chat form", status_faq: "FAQ",
    },
    sv: {
      ended: "Avslutad", transferred_away: "Överförd", unread: "olästa", typing: "Besökaren skriver…",
      listening: "Du lyssnar; du kan inte skriva till besökaren.",
      former: "En annan handläggare har nu chatten; du lyssnar.",
      transfer_to_me: "{name} vill överföra chatten till dig.",
      transfer_from_me: "Väntar på att {name} ska acceptera överföringen.", someone: "en handläggare",
      whisper: "Viskning från {name}", read: "Läst", visitor: "Besökare", system: "System",
      welcome: "{body}", transferred: "Chatten överfördes till {body}.",
      transfer_rejected: "{body} avvisade överföringen.", closed_by_agent: "Handläggaren avslutade chatten.",
      closed_by_visitor: "Besökaren avslutade chatten.", closed_by_idle: "Chatten stängdes efter inaktivitet.",
      reopened: "Besökaren öppnade chatten igen.", upload_allowed: "Filuppladdning är tillåten.",
      taken_over: "{body} tog över chatten.", queue_empty: "Ingen chatt väntar i dina kanaler.",
      status_in_queue: "I kö", status_customer_last: "Besökaren skrev sist", status_agent_last: "Handläggaren skrev sist",
      status_ended: "Avslutad", status_closed_from_queue: "Lämnade kön", status_request_posted: "Ärende skapat",
      status_offline_form: "Offlineformulär", status_prechat_form: "Förformulär", status_faq: "FAQ",
    },
  };

  const lastProps = new Map();
  const others = new Map();  // summaries of chats I only read (listening in), fetched once
  let typingTimer = null;
  let typingActive = false;

  function rt() { return window.chatRT; }
  function onPage() { return !!document.getElementById("ws-session-list"); }
  function lang() { return window.chatShell ? window.chatShell.language() : "en"; }
  function t(key, values) {
    let text = TEXT[lang()][key] || key;
    Object.keys(values || {}).forEach(function (name) { text = text.replace("{" + name + "}", values[name]); });
    return text;
  }
  function h(type, props, children) {
    const allProps = Object.assign({}, props);
    if (children !== undefined) { allProps.children = children; }
    return { type: type, namespace: "dash_html_components", props: allProps };
  }
  function setProps(id, props) {
    const key = JSON.stringify(props);
    if (lastProps.get(id) === key || !document.getElementById(id)) { return; }
    lastProps.set(id, key);
    window.dash_clientside.set_props(id, props);
  }
  function clock(iso) {
    if (!iso) { return ""; }
    const when = new Date(iso);
    return when.toLocaleTimeString(lang() === "sv" ? "sv-SE" : "en-GB", { hour: "2-digit", minute: "2-digit" });
  }
  function me() { return rt().user ? rt().user.id : null; }
  function canWrite(summary) { return !!summary && summary.agent_id === me() && rt().isActive(summary); }

  function visibleSessions() {
    const now = Date.now();
    return Array.from(rt().my.values()).filter(function (s) {
      return !s.ended_at || now - new Date(s.ended_at).getTime() < RECENT_MS;
    }).sort(function (a, b) {
      const activeA = rt().isActive(a) ? 0 : 1;
      const activeB = rt().isActive(b) ? 0 : 1;
      return activeA - activeB || String(a.requested_at).localeCompare(String(b.requested_at));
    });
  }

  function sessionRow(s) {
    const channel = rt().channels.get(s.channel_id);
    const transfer = rt().transfers.get(s.session_id);
    const active = rt().isActive(s);
    const parts = [
      h("Span", { className: "rank rank-" + (((s.agent_rank || 1) - 1) % 8 + 1), "aria-hidden": "true" }),
      h("Span", { className: "dot " + (s.status === "agent_last" ? "dot-agent" : "dot-visitor"),
                  title: t("status_" + s.status) }),
      h("Span", { className: "row-name" }, s.visitor_name),
      h("Span", { className: "row-channel" }, channel ? channel.name : ""),
      h("Span", { className: "row-time" }, clock(s.started_at || s.requested_at)),
    ];
    if (s.unread) {
      parts.push(h("Span", { className: "badge unread", "aria-label": s.unread + " " + t("unread") }, String(s.unread)));
    }
    if (transfer) { parts.push(h("Span", { className: "warn-icon", title: "Transfer", role: "img", "aria-label": "⚠" }, "⚠")); }
    if (s.former) { parts.push(h("Span", { className: "muted" }, t("transferred_away"))); }
    else if (!active) { parts.push(h("Span", { className: "muted" }, t("ended"))); }
    return h("Div", {
      className: "ws-row" + (rt().openId === s.session_id ? " open" : "") + (active ? "" : " ended"),
      role: "listitem", tabIndex: 0, "data-session-id": String(s.session_id),
    }, parts);
  }

  function messageLine(frame, chat, summary) {
    const data = frame.data;
    let who = data.author_name || (data.author === "visitor" ? (summary ? summary.visitor_name : t("visitor")) : t("system"));
    let body = data.body;
    if (data.system_event) {
      body = t(data.system_event, { body: data.body });
      who = t("system");
    }
    if (data.author === "whisper") { who = t("whisper", { name: data.author_name || "" }); }
    const children = [h("Span", { className: "msg-meta" }, who + " · " + clock(frame.at))];
    if (data.kind === "attachment" && data.attachment_id) {
      const url = "/api/v1/attachments/" + data.attachment_id;
      const file = [h("A", { href: url, target: "_blank", rel: "noopener", className: "msg-file" }, "📎 " + body)];
      if (/\.(png|jpe?g|gif|webp)$/i.test(body)) { file.push(h("Img", { src: url, alt: body, className: "msg-image" })); }
      children.push(h("Div", { className: "msg-body" }, file));
    } else {
      children.push(h("P", { className: "msg-body" }, body));
    }
    if (data.author === "agent" && frame.seq <= chat.readByVisitor) {
      children.push(h("Span", { className: "msg-read" }, "✓ " + t("read")));
    }
    return h("Div", { className: "msg msg-" + (data.system_event ? "system" : data.author), "data-seq": String(frame.seq) }, children);
  }

  /* A chat I only listen to is not in my list: its status follows its own events. */
  function summaryOf(id, chat) {
    const mine = rt().my.get(id);
    if (mine) { return mine; }
    const known = others.get(id);
    if (!known) { return null; }
    let status = known.status;
    let agentId = known.agent_id;
    chat.events.forEach(function (frame) {
      if (frame.seq <= (known.last_seq || 0)) { return; }
      if (frame.event === "status") { status = frame.data.status; }
      if (frame.event === "assigned") { agentId = frame.data.agent_id; if (status === "in_queue") { status = "customer_last"; } }
    });
    return Object.assign({}, known, { status: status, agent_id: agentId });
  }

  function fetchSummary(id) {
    if (rt().my.has(id) || others.has(id)) { return; }
    fetch("/api/v1/sessions/" + id, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (body.session) { others.set(id, body.session); render(); } else { showError(body.error); }
      });
  }

  function renderConversation() {
    const id = rt().openId;
    const chat = id ? rt().chats.get(id) : null;
    const summary = chat ? summaryOf(id, chat) : null;
    setProps("ws-empty", { hidden: !!chat });
    setProps("ws-conversation", { hidden: !chat });
    if (!chat) { return; }
    const writable = canWrite(summary);
    const uploadAllowed = chat.events.some(function (f) { return f.data && f.data.system_event === "upload_allowed"; });
    setProps("ws-title", { children: summary ? summary.visitor_name : "#" + id });
    const channel = summary ? rt().channels.get(summary.channel_id) : null;
    setProps("ws-subtitle", { children: (channel ? channel.name + " · " : "") + (summary ? t("status_" + summary.status) : "") });
    ["ws-end", "ws-transfer-open", "ws-request-open"].forEach(function (button) { setProps(button, { hidden: !writable }); });
    setProps("ws-allow-upload", { hidden: !writable || uploadAllowed });
    setProps("ws-composer-area", { hidden: !writable });
    const listening = !writable && rt().isActive(summary);
    setProps("ws-listening-note", { hidden: !listening, children: summary && summary.former ? t("former") : t("listening") });
    const rights = summary ? rt().channels.get(summary.channel_id) : null;
    setProps("ws-supervise", { hidden: !listening || !rights || !(rights.can_listen || rights.is_manager) });
    setProps("ws-take-over", { hidden: !listening || !rights || !rights.is_manager });
    renderTransferBanner(id);
    setProps("ws-messages", { children: chat.events.filter(function (f) { return f.event === "message"; })
      .map(function (f) { return messageLine(f, chat, summary); }) });
    const peek = chat.typing ? t("typing") + (chat.draft ? " “" + chat.draft + "”" : "") : "";
    setProps("ws-peek", { children: peek });
    markRead(id, chat, summary);
  }

  function renderTransferBanner(id) {
    const transfer = rt().transfers.get(id);
    setProps("ws-transfer-banner", { hidden: !transfer });
    if (!transfer) { return; }
    const toMe = transfer.to_user_id === me();
    const name = t("someone");
    setProps("ws-transfer-text", { children: toMe ? t("transfer_to_me", { name: name }) : t("transfer_from_me", { name: name }) });
    setProps("ws-accept", { hidden: !toMe });
    setProps("ws-reject", { hidden: !toMe });
    setProps("ws-cancel-transfer", { hidden: toMe });
  }

  function markRead(id, chat, summary) {
    if (!canWrite(summary) || document.visibilityState !== "visible" || !chat.synced) { return; }
    const lastVisitor = chat.events.filter(function (f) { return f.event === "message" && f.data.author === "visitor"; }).pop();
    if (!lastVisitor || (chat.readUpTo || 0) >= lastVisitor.seq) { summary.unread = 0; return; }
    chat.readUpTo = lastVisitor.seq;
    summary.unread = 0;
    rt().request({ type: "read", session_id: id, up_to_seq: lastVisitor.seq }).catch(function () { chat.readUpTo = 0; });
  }

  function render() {
    if (!rt() || !onPage()) { lastProps.clear(); return; }
    setProps("ws-queue-count", { children: String(rt().queue.size) });
    setProps("ws-session-list", { children: visibleSessions().map(sessionRow) });
    renderConversation();
  }

  function showError(error) { setProps("ws-error", { children: error && error.message ? error.message : "" }); }

  function open(sessionId, listening) {
    rt().openId = sessionId;
    sessionStorage.setItem("ws-open", String(sessionId));
    rt().follow(sessionId, listening);
    fetchSummary(sessionId);
    window.dash_clientside.set_props("ws-open-session", { data: sessionId });  // a Store has no DOM node
    showError(null);
    render();
  }

  function act(frame) {
    rt().request(frame).then(function () { showError(null); }, showError);
  }

  function sendComposer() {
    const box = document.getElementById("ws-composer");
    const id = rt().openId;
    const text = box ? box.value.trim() : "";
    if (!text || !id) { return; }
    lastProps.delete("ws-composer");
    setProps("ws-composer", { value: "" });
    stopTyping();
    rt().sendMessage(id, text).then(function () { showError(null); }, function (error) {
      showError(error);
      lastProps.delete("ws-composer");
      setProps("ws-composer", { value: text });
    });
  }

  function sendWhisper() {
    const box = document.getElementById("ws-whisper");
    const text = box ? box.value.trim() : "";
    if (!text || !rt().openId) { return; }
    lastProps.delete("ws-whisper");
    setProps("ws-whisper", { value: "" });
    rt().sendMessage(rt().openId, text, "whisper").then(function () { showError(null); }, showError);
  }

  function stopTyping() {
    clearTimeout(typingTimer);
    if (typingActive && rt().openId) { rt().send({ type: "typing", session_id: rt().openId, active: false }); }
    typingActive = false;
  }

  document.addEventListener("click", function (event) {
    if (!onPage()) { return; }
    const row = event.target.closest("[data-session-id]");
    if (row) { open(Number(row.dataset.sessionId)); return; }
    const emoji = event.target.closest("[data-emoji]");
    const id = rt().openId;
    if (emoji) {
      const box = document.getElementById("ws-composer");
      lastProps.delete("ws-composer");
      setProps("ws-composer", { value: (box ? box.value : "") + emoji.dataset.emoji });
      return;
    }
    const target = event.target.closest("button[id]");
    if (!target) { return; }
    switch (target.id) {
      case "ws-get-next":
        rt().request({ type: "get_next" }).then(function (ack) { open(ack.session_id); }, function (error) {
          showError(error.code === "queue_empty" ? { message: t("queue_empty") } : error);
        });
        break;
      case "ws-send": sendComposer(); break;
      case "ws-end": act({ type: "end", session_id: id }); break;
      case "ws-allow-upload": act({ type: "allow_upload", session_id: id }); break;
      case "ws-accept": act({ type: "transfer_accept", session_id: id }); break;
      case "ws-reject": act({ type: "transfer_reject", session_id: id }); break;
      case "ws-cancel-transfer": act({ type: "transfer_cancel", session_id: id }); break;
      case "ws-take-over": act({ type: "take_over", session_id: id }); break;
      case "ws-whisper-send": sendWhisper(); break;
      default: break;
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.target.id === "ws-composer" && event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendComposer();
    } else if (event.key === "Enter" && event.target.dataset && event.target.dataset.sessionId) {
      open(Number(event.target.dataset.sessionId));
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.id !== "ws-composer" || !rt().openId) { return; }
    if (!typingActive) {
      typingActive = true;
      rt().send({ type: "typing", session_id: rt().openId, active: true });
    }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 3000);
  });

  function openFromUrl() {
    const params = new URLSearchParams(location.search);
    const wanted = Number(params.get("open") || params.get("listen") || sessionStorage.getItem("ws-open") || 0);
    if (wanted && rt().openId !== wanted) { open(wanted, params.has("listen")); }
  }

  function start() {
    if (!window.chatRT || !window.dash_clientside) { setTimeout(start, 20); return; }
    rt().onChange(function () { render(); });
    document.addEventListener("visibilitychange", render);
    let wasOnPage = false;
    setInterval(function () {
      const now = onPage();
      if (now && !wasOnPage && rt().user) { lastProps.clear(); openFromUrl(); }
      wasOnPage = now && !!rt().user;
      render();
    }, 500);
  }
  start();
})();
