/* Navigation badges, the live/reconnecting indicator, presence, and new-chat alerts on every page. */
(function () {
  "use strict";

  const TEXT = {
    en: { live: "Live", connecting: "Connecting…", catching_up: "Catching up…", reconnecting: "Reconnecting…",
          incoming: "New chat", waiting: "waiting",
          agent_warning: "{n} chat(s) waiting longer than the warning time",
          manager_warning: "Manager warning: {n} chat(s) waiting too long" },
    sv: { live: "Live", connecting: "Ansluter…", catching_up: "Hämtar det senaste…", reconnecting: "Återansluter…",
          incoming: "Ny chatt", waiting: "väntar",
          agent_warning: "{n} chatt(ar) har väntat längre än varningstiden",
          manager_warning: "Chefsvarning: {n} chatt(ar) har väntat för länge" },
  };

  function language() {
    const viewer = document.getElementById("rt-viewer");
    return viewer && viewer.dataset.language === "sv" ? "sv" : "en";
  }

  /* set_props only for ids on the current page: it throws for a missing id. */
  function setProps(id, props) {
    if (document.getElementById(id) && window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }

  function text(key) { return TEXT[language()][key] || key; }

  function beep() {
    try {
      const audio = new (window.AudioContext || window.webkitAudioContext)();
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.08;
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.25);
    } catch (error) {
      console.debug("no sound", error);
    }
  }

  function notifyIncoming(summary) {
    const rt = window.chatRT;
    const channel = rt.channels.get(summary.channel_id);
    if (!channel || !channel.notifications) { return; }
    beep();
    if ("Notification" in window && Notification.permission === "granted") {
      new Notification(text("incoming") + ": " + (channel.name || ""), { body: summary.first_question || summary.visitor_name });
    }
  }

  function renderShell() {
    const rt = window.chatRT;
    let mine = 0;
    rt.my.forEach(function (s) {
      if (rt.isActive(s) && rt.user && s.agent_id === rt.user.id) { mine += 1; }
    });
    setProps("nav-badge-dashboard", { children: String(rt.queue.size) });
    setProps("nav-badge-chats", { children: String(mine) });
    setProps("rt-status", { children: text(rt.status), className: "rt-status rt-" + rt.status });
    if (rt.user && chosenEarly) {
      const wanted = chosenEarly;
      chosenEarly = null;
      shownPresence = wanted;
      choosePresence([wanted]);
    }
    if (rt.user && rt.user.presence !== shownPresence) {
      shownPresence = rt.user.presence;
      setProps("presence-switch", { value: shownPresence === "present" ? ["present"] : [] });
    }
  }

  /* A chat waiting longer than the channel's agent warning is shown to those who may answer it;
   * longer than the manager warning, also to the channel's managers. */
  function renderWaitWarnings() {
    const rt = window.chatRT;
    const now = Date.now();
    const agentLate = [];
    const managerLate = [];
    rt.queue.forEach(function (chat) {
      const channel = rt.channels.get(chat.channel_id);
      if (!channel) { return; }
      const minutes = (now - new Date(chat.requested_at).getTime()) / 60000;
      if (channel.is_manager && minutes >= channel.manager_warning_minutes) { managerLate.push(channel.name); }
      else if (channel.can_respond && minutes >= channel.agent_warning_minutes) { agentLate.push(channel.name); }
    });
    const parts = [];
    if (agentLate.length) { parts.push("⚠ " + text("agent_warning").replace("{n}", agentLate.length) + " (" + unique(agentLate) + ")"); }
    if (managerLate.length) { parts.push("⚠ " + text("manager_warning").replace("{n}", managerLate.length) + " (" + unique(managerLate) + ")"); }
    setProps("rt-alerts", { children: parts.join(" · ") });
  }

  function unique(names) { return Array.from(new Set(names)).join(", "); }

  function askNotificationPermission() {
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission();
    }
  }

  let shownPresence = null;
  let chosenEarly = null;

  /* Called by the presence switch's clientside callback. */
  function choosePresence(value) {
    const presence = value && value.indexOf("present") >= 0 ? "present" : "away";
    askNotificationPermission();
    if (!window.chatRT || !window.chatRT.user) {
      chosenEarly = presence;
      return presence;
    }
    if (window.chatRT.user.presence !== presence) {
      window.chatRT.request({ type: "presence", presence: presence }).catch(function (error) {
        shownPresence = null;
        console.warn(error);
      });
    }
    return presence;
  }

  window.chatShell = { setProps: setProps, text: text, language: language, choosePresence: choosePresence };

  function start() {
    if (!window.chatRT) { setTimeout(start, 20); return; }
    window.chatRT.onChange(function (what, detail) {
      if (what === "incoming") { notifyIncoming(detail); }
      if (what === "state" || what === "status") { renderShell(); }
    });
    setInterval(function () { renderShell(); renderWaitWarnings(); }, 1000);
  }
  start();
})();
