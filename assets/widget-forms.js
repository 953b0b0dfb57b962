/* The widget's forms: pre-chat, offline, FAQ suggestions, request from the queue, rating, transcript. */

var FIELD_SPECS = [
  {name: "name", label: "field_name", type: "text", autocomplete: "name", max: 255},
  {name: "email", label: "field_email", type: "email", autocomplete: "email", max: 255},
  {name: "phone", label: "field_phone", type: "tel", autocomplete: "tel", max: 32},
  {name: "company", label: "field_company", type: "text", autocomplete: "organization", max: 255},
  {name: "country", label: "field_country", type: "text", autocomplete: "country-name", max: 64}
];
var EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@.]{2,}$/;

/* Name and e-mail always; phone, company and country when required or prefilled. */
function chooseFields(channel, values, emailRequired) {
  var required = channel.prechat_enabled ? channel.prechat_required_fields || [] : [];
  return FIELD_SPECS.filter(function (spec) {
    return spec.name === "name" || spec.name === "email" || required.indexOf(spec.name) >= 0 || values[spec.name];
  }).map(function (spec) {
    var isRequired = required.indexOf(spec.name) >= 0 || (emailRequired && spec.name === "email");
    return {spec: spec, required: isRequired, value: values[spec.name] || ""};
  });
}

function fieldBlock(t, id, labelText, required, control) {
  var error = h("p", {"class": "lcw-error", attrs: {id: id + "-error", hidden: true}});
  control.setAttribute("aria-describedby", id + "-error");
  var label = h("label", {attrs: {"for": id}}, [labelText, required ? h("span", {"class": "lcw-req", text: " (" + t("required_mark") + ")"}) : null]);
  return {node: h("div", {"class": "lcw-field"}, [label, control, error]), error: error, control: control};
}

function setFieldError(field, message) {
  field.error.textContent = message || "";
  show(field.error, !!message);
  if (message) field.control.setAttribute("aria-invalid", "true");
  else field.control.removeAttribute("aria-invalid");
}

/* opts: t, fields, consentText, questionLabel, questionValue, maxChars, intro, submitLabel, onSubmit(values, done) */
function buildContactForm(opts) {
  var t = opts.t;
  var checks = [];
  var children = [opts.intro ? h("p", {"class": "lcw-intro", text: opts.intro}) : null];
  opts.fields.forEach(function (item) {
    var id = domId(item.spec.name);
    var input = h("input", {attrs: {id: id, name: item.spec.name, type: item.spec.type, autocomplete: item.spec.autocomplete,
                                    maxlength: item.spec.max, required: item.required}});
    input.value = item.value;
    var field = fieldBlock(t, id, t(item.spec.label), item.required, input);
    children.push(field.node);
    checks.push(function (values) {
      var value = input.value.trim();
      values[item.spec.name] = value;
      if (item.required && !value) return [field, t("err_required", {field: t(item.spec.label).toLowerCase()})];
      if (item.spec.name === "email" && value && !EMAIL_PATTERN.test(value)) return [field, t("err_email")];
      return [field, ""];
    });
  });
  var questionId = domId("question");
  var question = h("textarea", {attrs: {id: questionId, name: "question", rows: 3, required: true}});
  question.value = opts.questionValue || "";
  var questionField = fieldBlock(t, questionId, opts.questionLabel, true, question);
  children.push(questionField.node);
  checks.push(function (values) {
    var value = question.value.trim();
    values.question = value;
    if (!value) return [questionField, t("err_required", {field: opts.questionLabel.toLowerCase()})];
    if (value.length > opts.maxChars) return [questionField, t("err_too_long", {n: value.length, max: opts.maxChars})];
    return [questionField, ""];
  });
  if (opts.consentText) {
    var consentId = domId("consent");
    var box = h("input", {attrs: {id: consentId, type: "checkbox", name: "consent", required: true}});
    var consentError = h("p", {"class": "lcw-error", attrs: {id: consentId + "-error", hidden: true}});
    box.setAttribute("aria-describedby", consentId + "-error");
    children.push(h("div", {"class": "lcw-check"}, [box, h("label", {attrs: {"for": consentId}, text: opts.consentText})]));
    children.push(consentError);
    checks.push(function (values) {
      values.consent = box.checked;
      return [{error: consentError, control: box}, box.checked ? "" : t("err_consent")];
    });
  }
  var submit = h("button", {"class": "lcw-primary", text: opts.submitLabel, attrs: {type: "submit"}});
  children.push(submit);
  var form = h("form", {"class": "lcw-form", attrs: {novalidate: true}}, children);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var values = {};
    var firstInvalid = null;
    checks.forEach(function (check) {
      var result = check(values);
      setFieldError(result[0], result[1]);
      if (result[1] && !firstInvalid) firstInvalid = result[0].control;
    });
    if (firstInvalid) {
      firstInvalid.focus();
      return;
    }
    submit.disabled = true;
    opts.onSubmit(values, function () { submit.disabled = false; });
  });
  return form;
}

function buildFaq(t, articles, onAnswered, onPerson) {
  var list = h("ul", {"class": "lcw-faq"}, articles.map(function (article) {
    return h("li", {}, [h("details", {}, [h("summary", {text: article.question}), h("p", {text: article.answer})])]);
  }));
  return h("div", {"class": "lcw-form"}, [
    h("p", {"class": "lcw-intro", text: t("faq_intro")}),
    list,
    h("button", {"class": "lcw-primary", text: t("faq_no"), attrs: {type: "button"}, on: {click: onPerson}}),
    h("button", {"class": "lcw-secondary", text: t("faq_yes"), attrs: {type: "button"}, on: {click: onAnswered}})
  ]);
}

/* A short final view (request sent, queue left, FAQ answered) with "Start a new chat". */
function buildClosed(lines, buttonLabel, onNewChat) {
  return h("div", {"class": "lcw-form lcw-closed"}, lines.map(function (line) {
    return h("p", {text: line});
  }).concat([h("button", {"class": "lcw-primary", text: buttonLabel, attrs: {type: "button"}, on: {click: onNewChat}})]));
}

function buildRequestForm(t, initialText, maxChars, onSubmit) {
  var id = domId("request");
  var text = h("textarea", {attrs: {id: id, rows: 3}});
  text.value = initialText || "";
  var field = fieldBlock(t, id, t("request_label"), true, text);
  var submit = h("button", {"class": "lcw-primary", text: t("send_request"), attrs: {type: "submit"}});
  var form = h("form", {"class": "lcw-inline-form", attrs: {novalidate: true}}, [field.node, submit]);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = text.value.trim();
    var problem = !value ? t("err_required", {field: t("request_label").toLowerCase()})
      : value.length > maxChars * 4 ? t("err_too_long", {n: value.length, max: maxChars * 4}) : "";
    setFieldError(field, problem);
    if (problem) {
      text.focus();
      return;
    }
    submit.disabled = true;
    onSubmit(value, function () { submit.disabled = false; });
  });
  return form;
}

function buildRating(t, ratingText, onRate) {
  var name = domId("stars");
  var stars = [1, 2, 3, 4, 5].map(function (n) {
    var id = name + "-" + n;
    return h("span", {"class": "lcw-star"}, [
      h("input", {attrs: {type: "radio", name: name, id: id, value: n}}),
      h("label", {attrs: {"for": id, title: t("stars", {n: n})}}, [
        h("span", {"class": "lcw-star-icon", text: "★", attrs: {"aria-hidden": "true"}}),
        h("span", {"class": "lcw-sr", text: t("stars", {n: n})})
      ])
    ]);
  });
  var commentId = domId("comment");
  var comment = h("textarea", {attrs: {id: commentId, rows: 2, maxlength: 1024}});
  var error = h("p", {"class": "lcw-error", attrs: {hidden: true, role: "alert"}});
  var submit = h("button", {"class": "lcw-primary", text: t("send_rating"), attrs: {type: "submit"}});
  var form = h("form", {"class": "lcw-inline-form lcw-rating", attrs: {novalidate: true}}, [
    h("fieldset", {}, [h("legend", {text: ratingText || t("rating_default")}), h("div", {"class": "lcw-stars"}, stars)]),
    h("label", {attrs: {"for": commentId}, text: t("comment")}), comment, error, submit
  ]);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var chosen = form.querySelector("input[type=radio]:checked");
    if (!chosen) {
      error.textContent = t("err_rating");
      show(error, true);
      return;
    }
    show(error, false);
    submit.disabled = true;
    onRate(parseInt(chosen.value, 10), comment.value.trim(), function () { submit.disabled = false; });
  });
  return form;
}

function buildTranscriptForm(t, email, onSend) {
  var id = domId("transcript");
  var input = h("input", {attrs: {id: id, type: "email", autocomplete: "email", maxlength: 255}});
  input.value = email || "";
  var field = fieldBlock(t, id, t("transcript_email"), true, input);
  var submit = h("button", {"class": "lcw-secondary", text: t("transcript_send"), attrs: {type: "submit"}});
  var form = h("form", {"class": "lcw-inline-form", attrs: {novalidate: true}}, [field.node, submit]);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = input.value.trim();
    setFieldError(field, EMAIL_PATTERN.test(value) ? "" : t("err_email"));
    if (!EMAIL_PATTERN.test(value)) {
      input.focus();
      return;
    }
    submit.disabled = true;
    onSend(value, function () { submit.disabled = false; });
  });
  return form;
}
