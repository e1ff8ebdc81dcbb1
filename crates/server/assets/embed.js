// openslot embed: <script src="https://BOOKING-HOST/embed.js" async></script> then either
//   <div data-openslot="https://BOOKING-HOST/book/SLUG"></div>            (inline, auto-height)
//   <button data-openslot-popup="https://BOOKING-HOST/book/SLUG">Book</button>  (popup)
// The booking page tells this page its height ("openslot:resize") and, after a booking,
// "openslot:booked" with the booking id and time; both are re-dispatched on window as
// "openslot:booked" CustomEvents for the site's own analytics.
// Language: data-openslot-lang="de" on the element (or openslot.open(url, {lang: "de"})) opens
// the booking page in that language; the script's own few words (frame title, Close) come
// from the server in the language of the script's URL (embed.js?lang=de) or the browser.
(function () {
  "use strict";
  if (window.__openslotEmbed) return;
  window.__openslotEmbed = true;

  var frames = [];
  // Filled in by the server when it serves this file: {"embed-title": …, "embed-close": …}.
  var TEXT = /*openslot:messages*/{};
  function t(id) { return TEXT[id] || id; }

  function frameUrl(url, lang) {
    var target = new URL(url, window.location.href);
    target.searchParams.set("embed", "1");
    target.searchParams.set("origin", window.location.origin);
    if (lang) target.searchParams.set("lang", lang);
    return target;
  }

  function makeFrame(url, title, lang) {
    var target = frameUrl(url, lang);
    var frame = document.createElement("iframe");
    frame.src = target.toString();
    frame.title = title || t("embed-title");
    frame.setAttribute("loading", "lazy");
    frame.style.width = "100%";
    frame.style.minHeight = "480px";
    frame.style.border = "0";
    frame.style.display = "block";
    frames.push({ frame: frame, origin: target.origin });
    return frame;
  }

  function mountInline(node) {
    if (node.getAttribute("data-openslot-mounted")) return;
    node.setAttribute("data-openslot-mounted", "1");
    node.appendChild(makeFrame(node.getAttribute("data-openslot"), node.getAttribute("data-openslot-title"),
      node.getAttribute("data-openslot-lang")));
  }

  function openPopup(url, opener, lang) {
    var overlay = document.createElement("div");
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-label", t("embed-title"));
    overlay.style.cssText = "position:fixed;inset:0;background:rgba(0,0,0,.55);z-index:2147483000;display:flex;align-items:center;justify-content:center;padding:1rem";
    var panel = document.createElement("div");
    panel.style.cssText = "background:#fff;border-radius:10px;width:100%;max-width:46rem;max-height:100%;overflow:auto;position:relative";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = t("embed-close");
    close.style.cssText = "position:sticky;top:0;float:right;margin:.5rem;padding:.4rem .8rem;font:inherit;cursor:pointer";
    var frame = makeFrame(url, t("embed-title"), lang);
    function dismiss() {
      document.removeEventListener("keydown", onKey);
      overlay.parentNode && overlay.parentNode.removeChild(overlay);
      frames = frames.filter(function (entry) { return entry.frame !== frame; });
      if (opener) opener.focus();
    }
    function onKey(e) { if (e.key === "Escape") dismiss(); }
    close.addEventListener("click", dismiss);
    overlay.addEventListener("click", function (e) { if (e.target === overlay) dismiss(); });
    document.addEventListener("keydown", onKey);
    panel.appendChild(close);
    panel.appendChild(frame);
    overlay.appendChild(panel);
    document.body.appendChild(overlay);
    close.focus();
  }

  window.addEventListener("message", function (e) {
    var entry = frames.filter(function (f) { return f.frame.contentWindow === e.source; })[0];
    if (!entry || e.origin !== entry.origin || !e.data || typeof e.data.type !== "string") return;
    if (e.data.type === "openslot:resize" && e.data.height > 0) {
      entry.frame.style.height = Math.min(e.data.height, 5000) + "px";
    } else if (e.data.type === "openslot:booked") {
      var detail = { id: e.data.id, event: e.data.event, status: e.data.status, start: e.data.start, end: e.data.end };
      window.dispatchEvent(new CustomEvent("openslot:booked", { detail: detail }));
    }
  });

  function scan() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-openslot]"), mountInline);
    Array.prototype.forEach.call(document.querySelectorAll("[data-openslot-popup]"), function (node) {
      if (node.getAttribute("data-openslot-bound")) return;
      node.setAttribute("data-openslot-bound", "1");
      node.addEventListener("click", function (e) {
        e.preventDefault();
        openPopup(node.getAttribute("data-openslot-popup"), node, node.getAttribute("data-openslot-lang"));
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
  window.openslot = { scan: scan, open: function (url, options) { openPopup(url, null, options && options.lang); } };
})();
