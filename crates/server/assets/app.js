// openslot booking page: progressive enhancement of the server-rendered page.
// Without this script everything works through links and form posts; with it the page
// follows the visitor's time zone, switches days and books without reloading.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var TZ_KEY = "openslot.tz";
  // The page's language and its messages (written by the server, see web::lang): this
  // script holds no visitor-facing text of its own.
  var LANG = document.documentElement.lang || "en";
  var MESSAGES = (function () {
    var block = document.getElementById("openslot-messages");
    try { return block ? JSON.parse(block.textContent) : {}; } catch (e) { return {}; }
  })();

  function fill(text, args) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return args && Object.prototype.hasOwnProperty.call(args, name) ? String(args[name]) : all;
    });
  }
  function t(id, args) {
    var text = MESSAGES[id];
    return fill(typeof text === "string" ? text : id, args);
  }
  // A message with a number: the server sends one text per plural category of the
  // page's language; Intl.PluralRules picks the one this number takes.
  function tn(id, name, number, args) {
    var forms = MESSAGES[id] || {};
    var category = "other";
    try { category = new Intl.PluralRules(LANG).select(number); } catch (e) { /* old browser */ }
    var text = forms[category] || forms.other || id;
    var all = {};
    Object.keys(args || {}).forEach(function (key) { all[key] = args[key]; });
    all[name] = new Intl.NumberFormat(LANG).format(number);
    return fill(text, all);
  }
  function joinNames(names) {
    if (names.length < 2) return names[0] || "";
    return t("names-and", { first: names.slice(0, -1).join(t("names-separator")), last: names[names.length - 1] });
  }
  // The JSON API answers field errors in English; show them in the page's language.
  function fieldError(field, message) {
    var known = (MESSAGES["field-errors"] || {})[message];
    if (known) return known;
    var tooLong = /^must be at most (\d+) characters$/.exec(message || "");
    if (tooLong) return tn("field-error-too-long", "max", Number(tooLong[1]));
    return t(field === "start" ? "field-error-start" : "field-error-invalid");
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (attrs[key] !== null && attrs[key] !== undefined) node.setAttribute(key, attrs[key]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function storedZone() {
    try { return window.localStorage.getItem(TZ_KEY); } catch (e) { return null; }
  }
  function rememberZone(zone) {
    try { window.localStorage.setItem(TZ_KEY, zone); } catch (e) { /* private mode */ }
  }
  function browserZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch (e) { return null; }
  }
  function validZone(zone) {
    if (!zone) return false;
    try { new Intl.DateTimeFormat("en", { timeZone: zone }); return true; } catch (e) { return false; }
  }

  function dateKey(instant, zone) {
    var parts = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
      .formatToParts(instant);
    var get = function (type) { return parts.filter(function (p) { return p.type === type; })[0].value; };
    return get("year") + "-" + get("month") + "-" + get("day");
  }
  // Dates and times in the page's language (CLDR in the browser), like the server's.
  function timeLabel(instant, zone) {
    return new Intl.DateTimeFormat(LANG, { timeZone: zone, hour: "numeric", minute: "2-digit" }).format(instant);
  }
  function fullLabel(instant, zone) {
    return new Intl.DateTimeFormat(LANG, { timeZone: zone, weekday: "long", day: "numeric", month: "long",
      year: "numeric", hour: "numeric", minute: "2-digit" }).format(instant);
  }
  function dayParts(key) {
    // Noon UTC on that date names the same calendar day everywhere.
    var noon = new Date(key + "T12:00:00Z");
    return {
      weekday: new Intl.DateTimeFormat(LANG, { weekday: "short", timeZone: "UTC" }).format(noon),
      label: new Intl.DateTimeFormat(LANG, { day: "numeric", month: "short", timeZone: "UTC" }).format(noon),
      long: new Intl.DateTimeFormat(LANG, { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" }).format(noon)
    };
  }
  function addDays(key, days) {
    var date = new Date(key + "T12:00:00Z");
    date.setUTCDate(date.getUTCDate() + days);
    return date.toISOString().slice(0, 10);
  }
  function randomKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return String(Date.now()) + "-" + String(Math.random()).slice(2);
  }

  function postToParent(root, message) {
    var origin = root && root.getAttribute("data-parent-origin");
    if (window.parent !== window && origin) window.parent.postMessage(message, origin);
  }

  function watchHeight(root) {
    var origin = root && root.getAttribute("data-parent-origin");
    if (window.parent === window || !origin) return;
    var last = 0;
    var send = function () {
      var height = Math.ceil(document.documentElement.scrollHeight);
      if (height !== last) {
        last = height;
        window.parent.postMessage({ type: "openslot:resize", height: height }, origin);
      }
    };
    if (window.ResizeObserver) new ResizeObserver(send).observe(document.body);
    window.addEventListener("load", send);
    send();
  }

  function bookingPage(root) {
    var event = root.getAttribute("data-event");
    var pinnedHost = root.getAttribute("data-host");
    var namedHosts = root.getAttribute("data-named-hosts") === "1";
    var hostZone = root.getAttribute("data-host-tz");
    var mode = root.getAttribute("data-mode");
    var contactUrl = root.getAttribute("data-contact");
    var form = document.getElementById("booking-form");
    var daysList = document.getElementById("days");
    var timesBox = document.getElementById("times");
    var legend = document.getElementById("times-legend");
    var status = document.getElementById("status");
    var zoneSelect = document.getElementById("tz");
    var submit = document.getElementById("submit");
    var confirmation = document.getElementById("confirmation");
    var fallback = document.getElementById("fallback");
    var params = new URLSearchParams(window.location.search);

    var zone = params.get("tz") || storedZone() || browserZone() || root.getAttribute("data-tz");
    if (!validZone(zone)) zone = root.getAttribute("data-tz");
    var selected = params.get("date");
    var slotsByDay = {};
    var today = null;
    var lastDay = null;
    var idempotencyKey = randomKey();

    function setStatus(kind, message, focus) {
      status.className = "status" + (kind ? " " + kind : "");
      status.textContent = "";
      if (message) status.appendChild(typeof message === "string" ? document.createTextNode(message) : message);
      if (focus) status.focus();
    }
    function contactLink(text) {
      var span = el("span");
      span.appendChild(document.createTextNode(text + " "));
      span.appendChild(el("a", { href: contactUrl }, t("contact-find-time")));
      return span;
    }

    // Time zone list: every zone the browser knows, current one selected.
    if (zoneSelect && Intl.supportedValuesOf) {
      var zones = Intl.supportedValuesOf("timeZone");
      if (zones.indexOf("UTC") < 0) zones.unshift("UTC");
      if (zones.indexOf(zone) < 0) zones.unshift(zone);
      zoneSelect.textContent = "";
      zones.forEach(function (name) { zoneSelect.appendChild(el("option", { value: name }, name)); });
    }
    if (zoneSelect) {
      if (!Array.prototype.some.call(zoneSelect.options, function (o) { return o.value === zone; })) {
        zoneSelect.insertBefore(el("option", { value: zone }, zone), zoneSelect.firstChild);
      }
      zoneSelect.value = zone;
      zoneSelect.addEventListener("change", function () {
        zone = zoneSelect.value;
        rememberZone(zone);
        form.elements.timezone.value = zone;
        load();
      });
    }
    form.elements.timezone.value = zone;

    function renderDays() {
      daysList.textContent = "";
      var any = false;
      for (var key = today; key <= lastDay; key = addDays(key, 1)) {
        var parts = dayParts(key);
        var item = el("li");
        var count = (slotsByDay[key] || []).length;
        if (count) {
          any = true;
          var button = el("button", { type: "button", "class": "day", "data-date": key,
            "aria-pressed": key === selected ? "true" : "false" });
          button.appendChild(el("span", { "class": "weekday" }, parts.weekday));
          button.appendChild(document.createTextNode(" "));
          button.appendChild(el("span", { "class": "date" }, parts.label));
          // The name is the visible text and the count (WCAG 2.5.3: a name that contains the label).
          button.appendChild(el("span", { "class": "visually-hidden" }, tn("day-times-count", "count", count)));
          item.appendChild(button);
        } else {
          var span = el("span", { "class": "day unavailable", "data-date": key });
          span.appendChild(el("span", { "class": "weekday" }, parts.weekday));
          span.appendChild(el("span", { "class": "date" }, parts.label));
          span.appendChild(el("span", { "class": "visually-hidden" }, " " + t("day-no-times")));
          item.appendChild(span);
        }
        daysList.appendChild(item);
      }
      var empty = document.getElementById("no-times");
      if (empty) empty.hidden = any;
      fallback.classList.toggle("prominent", !any);
      if (!any) setStatus("warning", contactLink(t("no-times-booking-window")));
    }

    function renderTimes(keepChoice) {
      var previous = keepChoice && form.querySelector("input[name=start]:checked");
      var previousValue = previous ? previous.value : null;
      timesBox.textContent = "";
      var old = document.getElementById("times-empty");
      if (old) old.parentNode.removeChild(old);
      if (!selected) {
        legend.textContent = t("times-legend");
        return;
      }
      legend.textContent = t("times-legend-on", { day: dayParts(selected).long });
      var slots = slotsByDay[selected] || [];
      slots.forEach(function (slot, index) {
        var id = "time-" + (index + 1);
        var wrap = el("span", { "class": "time" });
        var input = el("input", { type: "radio", name: "start", id: id, value: slot.start, required: "" });
        if (slot.start === previousValue) input.checked = true;
        wrap.appendChild(input);
        var label = el("label", { "for": id }, timeLabel(new Date(slot.start), zone));
        if (zone !== hostZone) label.setAttribute("title", t("time-host-title", { time: timeLabel(new Date(slot.start), hostZone), zone: hostZone }));
        wrap.appendChild(label);
        timesBox.appendChild(wrap);
      });
      if (!slots.length) {
        var p = el("p", { "class": "empty", id: "times-empty" }, t("times-empty") + " ");
        p.appendChild(el("a", { href: contactUrl }, t("contact-find-time")));
        timesBox.parentNode.insertBefore(p, timesBox.nextSibling);
      }
    }

    function selectDay(key, focusFirst) {
      selected = key;
      Array.prototype.forEach.call(daysList.querySelectorAll("button.day"), function (button) {
        button.setAttribute("aria-pressed", button.getAttribute("data-date") === key ? "true" : "false");
      });
      renderTimes(false);
      if (focusFirst) {
        var first = timesBox.querySelector("input");
        if (first) first.focus();
      }
    }

    daysList.addEventListener("click", function (e) {
      var target = e.target.closest ? e.target.closest("[data-date]") : null;
      if (!target || target.classList.contains("unavailable")) return;
      e.preventDefault();
      selectDay(target.getAttribute("data-date"), false);
    });
    daysList.addEventListener("keydown", function (e) {
      var keys = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 7, ArrowUp: -7 };
      if (!(e.key in keys) || !e.target.matches("button.day")) return;
      var buttons = Array.prototype.slice.call(daysList.querySelectorAll("button.day"));
      var index = buttons.indexOf(e.target);
      var step = keys[e.key] > 0 ? 1 : -1;
      var next = buttons[Math.min(buttons.length - 1, Math.max(0, index + step))];
      if (next) { e.preventDefault(); next.focus(); }
    });

    // afterConflict: "taken" or "gone", why the times are loaded again.
    function load(afterConflict) {
      setStatus("loading", t(afterConflict ? "status-" + afterConflict + "-refreshing" : "status-loading"));
      root.setAttribute("aria-busy", "true");
      var url = "/availability?event=" + encodeURIComponent(event) + "&tz=" + encodeURIComponent(zone);
      if (pinnedHost) url += "&host=" + encodeURIComponent(pinnedHost);
      return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("status " + response.status);
          return response.json();
        })
        .then(function (body) {
          slotsByDay = {};
          today = body.from;
          lastDay = body.to;
          body.slots.forEach(function (slot) {
            var key = dateKey(new Date(slot.start), zone);
            (slotsByDay[key] = slotsByDay[key] || []).push(slot);
          });
          if (!selected || !slotsByDay[selected]) {
            var keys = Object.keys(slotsByDay).sort();
            if (!selected || selected < today || selected > lastDay || !afterConflict) selected = keys[0] || null;
          }
          root.removeAttribute("aria-busy");
          setStatus(afterConflict ? "warning" : "", afterConflict ? t("status-" + afterConflict) : "", !!afterConflict);
          renderDays();
          renderTimes(!afterConflict);
        })
        .catch(function () {
          root.removeAttribute("aria-busy");
          fallback.classList.add("prominent");
          var message = contactLink(t("status-load-failed"));
          var retry = el("button", { type: "button", "class": "secondary" }, t("status-try-again"));
          retry.addEventListener("click", function () { load(); });
          message.appendChild(document.createTextNode(" "));
          message.appendChild(retry);
          setStatus("error", message, true);
        });
    }

    function clearFieldErrors() {
      Array.prototype.forEach.call(form.querySelectorAll(".field-error.js-error"), function (node) { node.parentNode.removeChild(node); });
      Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (node) {
        node.removeAttribute("aria-invalid");
        node.removeAttribute("aria-describedby");
      });
    }
    function showFieldErrors(fields) {
      var first = null;
      Object.keys(fields).forEach(function (field) {
        var name = field.indexOf("answers.") === 0 ? "answer_" + field.slice(8) : field;
        var input = field === "start" ? document.getElementById("times-fieldset") : form.elements[name];
        if (!input || !input.parentNode) return;
        var id = name + "-error";
        var message = el("p", { "class": "field-error js-error", id: id }, fields[field]);
        if (input.setAttribute) {
          input.setAttribute("aria-invalid", "true");
          input.setAttribute("aria-describedby", id);
        }
        (field === "start" ? input : input.parentNode).appendChild(message);
        if (!first) first = input;
      });
      if (first && first.focus) first.focus();
    }

    function confirm(booking) {
      var start = new Date(booking.start);
      var outcome = booking.status === "confirmed" ? "outcome-confirmed" : "outcome-requested";
      var heading = t(outcome + "-heading");
      var text = t(outcome);
      confirmation.textContent = "";
      confirmation.appendChild(el("h2", { id: "confirmation-heading" }, heading));
      confirmation.appendChild(el("p", { "class": "status success" }, text));
      var list = el("dl", { "class": "summary" });
      var withNames = (booking.hosts && booking.hosts.length ? booking.hosts : (booking.host ? [booking.host] : []))
        .map(function (host) { return host && host.name; }).filter(Boolean);
      if (namedHosts && withNames.length) {
        list.appendChild(el("dt", {}, t("summary-with")));
        list.appendChild(el("dd", { id: "booking-with" }, joinNames(withNames)));
      }
      list.appendChild(el("dt", {}, t("summary-when-yours", { zone: zone })));
      list.appendChild(el("dd", {}, fullLabel(start, zone)));
      if (zone !== hostZone) {
        list.appendChild(el("dt", {}, t("summary-when-host", { zone: hostZone })));
        list.appendChild(el("dd", {}, fullLabel(start, hostZone)));
      }
      list.appendChild(el("dt", {}, t("summary-reference")));
      list.appendChild(el("dd", {}, booking.id));
      confirmation.appendChild(list);
      form.hidden = true;
      document.querySelector(".days-section").hidden = true;
      document.querySelector(".tz-form").hidden = true;
      confirmation.hidden = false;
      setStatus("", "");
      confirmation.focus();
      postToParent(root, { type: "openslot:booked", id: booking.id, event: booking.event, status: booking.status,
        start: booking.start, end: booking.end });
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      clearFieldErrors();
      if (form.elements.website && form.elements.website.value) return;
      var chosen = form.querySelector("input[name=start]:checked");
      var fields = {};
      if (!chosen) fields.start = t("status-pick-time-first");
      if (!form.elements.name.value.trim()) fields.name = t("field-error-required");
      if (!form.elements.email.value.trim()) fields.email = t("field-error-required");
      if (Object.keys(fields).length) {
        setStatus("error", t("status-fix-fields"));
        showFieldErrors(fields);
        return;
      }
      var answers = {};
      Array.prototype.forEach.call(form.elements, function (input) {
        if (input.name && input.name.indexOf("answer_") === 0) answers[input.name.slice(7)] = input.value;
      });
      var body = { event: event, start: chosen.value, name: form.elements.name.value, email: form.elements.email.value,
        timezone: zone, notes: form.elements.notes.value, answers: answers, locale: LANG };
      if (form.elements.host && form.elements.host.value) body.host = form.elements.host.value;
      submit.disabled = true;
      setStatus("loading", t(mode === "request" ? "status-sending-request" : "status-booking"));
      fetch("/booking", { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "Idempotency-Key": idempotencyKey },
        body: JSON.stringify(body) })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (json) { return { status: response.status, body: json, response: response }; });
        })
        .then(function (result) {
          submit.disabled = false;
          var error = result.body && result.body.error;
          if (result.status === 201) return confirm(result.body);
          idempotencyKey = randomKey();
          if (result.status === 409) return load("taken");
          if (error && error.code === "slot_unavailable") return load("gone");
          if (error && error.code === "validation_failed") {
            setStatus("error", t("status-fix-fields"));
            var shown = {};
            Object.keys(error.fields || {}).forEach(function (field) { shown[field] = fieldError(field, error.fields[field]); });
            return showFieldErrors(shown);
          }
          if (result.status === 429) {
            var wait = parseInt(result.response.headers.get("Retry-After"), 10);
            return setStatus("error", wait > 0 ? tn("status-rate-limited", "seconds", wait) : t("status-rate-limited-moment"), true);
          }
          setStatus("error", contactLink(t("status-failed")), true);
        })
        .catch(function () {
          submit.disabled = false;
          fallback.classList.add("prominent");
          setStatus("error", contactLink(t("status-unreachable")), true);
        });
    });

    watchHeight(root);
    rememberZone(zone);
    load();
  }

  function confirmationPage(section) {
    watchHeight(section);
    postToParent(section, { type: "openslot:booked", id: section.getAttribute("data-booking-id"),
      event: section.getAttribute("data-event"), start: section.getAttribute("data-start"),
      end: section.getAttribute("data-end") });
  }

  function start() {
    var root = document.getElementById("booking");
    if (root) return bookingPage(root);
    var done = document.getElementById("confirmation-page");
    if (done) return confirmationPage(done);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
