/* Every text the widget shows, in English and Swedish. `{name}` marks a value filled in at run time. */

var TEXTS = {
  en: {
    locale: "en-GB",
    open_chat: "Chat with us",
    unread: "{n} unread",
    minimise: "Minimise chat",
    end_chat: "End chat",
    end_confirm: "Do you want to end the chat?",
    cancel: "Cancel",
    connected: "Connected",
    connecting: "Connecting…",
    reconnecting: "Reconnecting…",
    loading: "Loading…",
    prechat_intro: "Tell us a little about yourself and what you need help with.",
    field_name: "Name",
    field_email: "E-mail",
    field_phone: "Phone",
    field_company: "Company",
    field_country: "Country",
    field_question: "Your question",
    field_message: "Your message",
    required_mark: "required",
    start_chat: "Start chat",
    err_required: "Please fill in {field}.",
    err_email: "Please enter a valid e-mail address, like name@example.com.",
    err_consent: "Please give your consent to continue.",
    err_too_long: "Your message is too long: {n} characters, at most {max}.",
    faq_intro: "These articles might answer your question:",
    faq_yes: "Yes, that answered my question",
    faq_no: "No, I want to chat with a person",
    faq_done: "Great, we are glad it helped!",
    new_chat: "Start a new chat",
    offline_title: "We can't chat right now",
    offline_intro: "Leave a message and we will get back to you by e-mail.",
    unavailable_now: "Nobody can answer the chat right now, so your question becomes a request instead.",
    send_request: "Send request",
    request_label: "Describe your request",
    request_sent: "Thank you! Your request number is {id}.",
    request_followup: "We will get back to you as soon as we can.",
    queue_position: "You are number {position} in the queue.",
    queue_wait: "Estimated wait: {wait}.",
    queue_keep_writing: "You can keep writing while you wait.",
    wait_unknown: "unknown right now",
    wait_under_minute: "less than a minute",
    wait_minute: "about 1 minute",
    wait_minutes: "about {n} minutes",
    wait_hours: "about {h} h {m} min",
    leave_request: "Leave a request instead",
    left_queue: "You left the queue.",
    agent_joined: "{name} joined the chat.",
    agent_typing: "{name} is typing…",
    you: "You",
    agent: "Agent",
    messages: "Messages",
    composer_label: "Write a message",
    composer_reopen: "Write a message to reopen the chat",
    send: "Send",
    attach: "Attach a file",
    sending: "Sending…",
    waiting_to_send: "Will be sent when the connection is back",
    not_sent: "Not sent: {reason}",
    read: "Read",
    ended_by_agent: "{name} ended the chat.",
    ended_by_visitor: "You ended the chat.",
    ended_by_idle: "The chat was closed after a while without messages.",
    reopened: "The chat was reopened.",
    upload_allowed: "{name} allowed you to send files.",
    rating_default: "How was the chat?",
    err_rating: "Please choose 1 to 5 stars.",
    stars: "{n} of 5 stars",
    comment: "Comment (optional)",
    send_rating: "Send rating",
    rating_thanks: "Thank you for your feedback!",
    transcript_email: "E-mail for the transcript",
    transcript_send: "E-mail me the transcript",
    transcript_sent: "The transcript is on its way to {email}.",
    file_too_big: "The file {name} is too big: at most {max}.",
    file_type: "Files of type {ext} cannot be sent. Allowed: {list}.",
    uploading: "Uploading {name}…",
    too_fast: "You are sending messages quickly; the next one goes out in a moment.",
    error_generic: "Something went wrong: {message}",
    origin_refused: "The chat cannot be used on this website.",
    chat_unavailable: "This chat is not available any more.",
    chat_label: "Chat: {name}"
  },
  sv: {
    locale: "sv-SE",
    open_chat: "Chatta med oss",
    unread: "{n} olästa",
    minimise: "Minimera chatten",
    end_chat: "Avsluta chatten",
    end_confirm: "Vill du avsluta chatten?",
    cancel: "Avbryt",
    connected: "Ansluten",
    connecting: "Ansluter…",
    reconnecting: "Återansluter…",
    loading: "Laddar…",
    prechat_intro: "Berätta lite om dig själv och vad du behöver hjälp med.",
    field_name: "Namn",
    field_email: "E-post",
    field_phone: "Telefon",
    field_company: "Företag",
    field_country: "Land",
    field_question: "Din fråga",
    field_message: "Ditt meddelande",
    required_mark: "obligatoriskt",
    start_chat: "Starta chatten",
    err_required: "Fyll i {field}.",
    err_email: "Ange en giltig e-postadress, till exempel namn@exempel.se.",
    err_consent: "Du behöver ge ditt samtycke för att fortsätta.",
    err_too_long: "Meddelandet är för långt: {n} tecken, högst {max}.",
    faq_intro: "De här artiklarna kanske besvarar din fråga:",
    faq_yes: "Ja, det besvarade min fråga",
    faq_no: "Nej, jag vill chatta med en person",
    faq_done: "Vad bra att det hjälpte!",
    new_chat: "Starta en ny chatt",
    offline_title: "Vi kan inte chatta just nu",
    offline_intro: "Lämna ett meddelande så återkommer vi via e-post.",
    unavailable_now: "Ingen kan svara i chatten just nu, så din fråga blir ett ärende i stället.",
    send_request: "Skicka ärendet",
    request_label: "Beskriv ditt ärende",
    request_sent: "Tack! Ditt ärendenummer är {id}.",
    request_followup: "Vi återkommer så snart vi kan.",
    queue_position: "Du är nummer {position} i kön.",
    queue_wait: "Beräknad väntetid: {wait}.",
    queue_keep_writing: "Du kan fortsätta skriva medan du väntar.",
    wait_unknown: "okänd just nu",
    wait_under_minute: "mindre än en minut",
    wait_minute: "cirka 1 minut",
    wait_minutes: "cirka {n} minuter",
    wait_hours: "cirka {h} h {m} min",
    leave_request: "Lämna ett ärende i stället",
    left_queue: "Du lämnade kön.",
    agent_joined: "{name} anslöt till chatten.",
    agent_typing: "{name} skriver…",
    you: "Du",
    agent: "Handläggare",
    messages: "Meddelanden",
    composer_label: "Skriv ett meddelande",
    composer_reopen: "Skriv ett meddelande för att öppna chatten igen",
    send: "Skicka",
    attach: "Bifoga en fil",
    sending: "Skickas…",
    waiting_to_send: "Skickas när anslutningen är tillbaka",
    not_sent: "Inte skickat: {reason}",
    read: "Läst",
    ended_by_agent: "{name} avslutade chatten.",
    ended_by_visitor: "Du avslutade chatten.",
    ended_by_idle: "Chatten stängdes efter en stund utan meddelanden.",
    reopened: "Chatten öppnades igen.",
    upload_allowed: "{name} har tillåtit dig att skicka filer.",
    rating_default: "Vad tyckte du om chatten?",
    err_rating: "Välj 1 till 5 stjärnor.",
    stars: "{n} av 5 stjärnor",
    comment: "Kommentar (valfritt)",
    send_rating: "Skicka betyget",
    rating_thanks: "Tack för ditt omdöme!",
    transcript_email: "E-post för utskriften",
    transcript_send: "Mejla mig utskriften",
    transcript_sent: "Utskriften är på väg till {email}.",
    file_too_big: "Filen {name} är för stor: högst {max}.",
    file_type: "Filer av typen {ext} kan inte skickas. Tillåtna: {list}.",
    uploading: "Laddar upp {name}…",
    too_fast: "Du skickar meddelanden snabbt; nästa skickas om en stund.",
    error_generic: "Något gick fel: {message}",
    origin_refused: "Chatten kan inte användas på den här webbplatsen.",
    chat_unavailable: "Den här chatten finns inte längre.",
    chat_label: "Chatt: {name}"
  }
};

function pickLanguage(candidates) {
  for (var i = 0; i < candidates.length; i++) {
    var code = String(candidates[i] || "").toLowerCase().slice(0, 2);
    if (TEXTS[code]) return code;
  }
  return "en";
}

function makeTranslator(language) {
  var table = TEXTS[language] || TEXTS.en;
  return function (key, values) {
    var text = table[key] !== undefined ? table[key] : TEXTS.en[key];
    if (text === undefined) return key;
    return fillTemplate(text, values || {});
  };
}

/* Replaces {name} by values.name; unknown names stay as they are. The result is plain text. */
function fillTemplate(template, values) {
  return String(template).replace(/\{(\w+)\}/g, function (whole, name) {
    return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
  });
}

function formatWait(seconds, t) {
  if (seconds === null || seconds === undefined) return t("wait_unknown");
  if (seconds < 60) return t("wait_under_minute");
  var minutes = Math.round(seconds / 60);
  if (minutes <= 1) return t("wait_minute");
  if (minutes < 60) return t("wait_minutes", {n: minutes});
  return t("wait_hours", {h: Math.floor(minutes / 60), m: minutes % 60});
}
