/* Building DOM without HTML: every text goes in as a text node, never parsed as markup. */

var nextDomId = 0;

/* h("button", {class: "x", text: "Send", attrs: {type: "submit"}, on: {click: fn}}, [children]) */
function h(tag, props, children) {
  var node = document.createElement(tag);
  props = props || {};
  if (props["class"]) node.className = props["class"];
  if (props.text !== undefined && props.text !== null) node.textContent = String(props.text);
  var attrs = props.attrs || {};
  Object.keys(attrs).forEach(function (name) {
    var value = attrs[name];
    if (value === false || value === null || value === undefined) return;
    node.setAttribute(name, value === true ? "" : String(value));
  });
  var handlers = props.on || {};
  Object.keys(handlers).forEach(function (name) { node.addEventListener(name, handlers[name]); });
  (children || []).forEach(function (child) {
    if (child === null || child === undefined || child === false) return;
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  });
  return node;
}

function domId(prefix) {
  nextDomId += 1;
  return "lcw-" + prefix + "-" + nextDomId;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

function show(node, visible) {
  if (visible) node.removeAttribute("hidden");
  else node.setAttribute("hidden", "");
}

/* A random id for client message ids: works in insecure contexts too (no randomUUID there). */
function randomId(prefix) {
  var bytes = new Uint8Array(12);
  (window.crypto || window.msCrypto).getRandomValues(bytes);
  return prefix + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
}

/* Time of day in the visitor's own time zone; the date too when it is not today. */
function formatStamp(iso, locale) {
  var date = new Date(iso);
  if (isNaN(date.getTime())) return "";
  var time = date.toLocaleTimeString(locale, {hour: "2-digit", minute: "2-digit"});
  if (date.toDateString() === new Date().toDateString()) return time;
  return date.toLocaleDateString(locale, {day: "numeric", month: "short"}) + " " + time;
}

function formatSize(bytes) {
  if (bytes >= 1024 * 1024) return (Math.round(bytes / 104857.6) / 10) + " MB";
  return Math.max(1, Math.round(bytes / 1024)) + " KB";
}

/* A CSS colour given by the site, only when the browser agrees it is one. */
function safeColour(value) {
  if (!value || !window.CSS || !CSS.supports) return null;
  return CSS.supports("color", value) ? value : null;
}

function safeFont(value) {
  if (!value || !window.CSS || !CSS.supports) return null;
  return CSS.supports("font-family", value) ? value : null;
}

/* Black or white text, whichever reads better on the given colour (hex colours; white otherwise). */
function textOn(colour) {
  var match = /^#([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(colour || "");
  if (!match) return "#fff";
  var hex = match[1].length === 3 ? match[1].replace(/(.)/g, "$1$1") : match[1];
  var channels = [0, 2, 4].map(function (i) {
    var c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  });
  var luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  return luminance > 0.35 ? "#111" : "#fff";
}

function isHttpUrl(value) {
  return typeof value === "string" && /^https?:\/\//i.test(value);
}

/* A CSS custom property on the node, or none (the stylesheet's default) when the value is empty. */
function setStyleVar(node, name, value) {
  if (value) node.style.setProperty(name, value);
  else node.style.removeProperty(name);
}
