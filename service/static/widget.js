/*
 * partnermatch widget: top-N partner city recommendations for a host page.
 *
 *   <div id="partners"></div>
 *   <script src="https://partnermatch.example.org/static/widget.js"
 *           data-city-id="1" data-limit="5" data-target="#partners" async></script>
 *
 * or a profile instead of data-city-id: data-name, data-country (ISO2), data-needs,
 * data-sectors (comma-separated ids), data-latitude, data-longitude, data-population,
 * data-role, data-desired-countries. Optional: data-partner-scope="abroad|domestic|any" (default
 * abroad), data-title, data-theme="light|dark".
 * Themable through CSS custom properties set on the target element (or any ancestor):
 * --pm-font, --pm-accent, --pm-bg, --pm-text, --pm-radius.
 *
 * A classic script (not a module) on purpose: document.currentScript, which tells the
 * widget where it was loaded from, is null inside modules.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) return; // injected in a way that hides its origin: nothing to call
  // the API lives where this file came from, whatever origin the host page has
  var API = new URL(script.src, document.baseURI).origin;
  var data = script.dataset;

  // a shadow root keeps the host's CSS out and ours in; custom properties still inherit
  // through it, which is what makes the widget themable from the host page
  var STYLE = [
    ":host { all: initial; display: block; }",
    ".pm { --_accent: var(--pm-accent, #0b6e74); --_bg: var(--pm-bg, #ffffff); --_text: var(--pm-text, #1f2933);",
    "  --_radius: var(--pm-radius, 8px); --_muted: color-mix(in srgb, var(--_text) 62%, var(--_bg));",
    "  --_line: color-mix(in srgb, var(--_text) 15%, var(--_bg));",
    "  font-family: var(--pm-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);",
    "  font-size: 14px; line-height: 1.4; color: var(--_text); background: var(--_bg);",
    "  border: 1px solid var(--_line); border-radius: var(--_radius); padding: 12px 14px; box-sizing: border-box; }",
    ".pm.dark { --_bg: var(--pm-bg, #1d2327); --_text: var(--pm-text, #eef1f3); --_accent: var(--pm-accent, #5cc8cf); }",
    ".pm * { box-sizing: border-box; }",
    ".pm h2 { font-size: 15px; margin: 0 0 8px; font-weight: 700; }",
    ".pm ol { list-style: none; margin: 0; padding: 0; }",
    ".pm li { display: grid; grid-template-columns: auto 1fr auto; gap: 2px 10px; align-items: baseline;",
    "  padding: 7px 0; border-top: 1px solid var(--_line); }",
    ".pm li:first-child { border-top: 0; }",
    ".pm .rank { font-weight: 700; color: var(--_accent); min-width: 1.2em; }",
    ".pm .name { font-weight: 600; overflow-wrap: anywhere; }",
    ".pm .country { color: var(--_muted); font-weight: 400; }",
    ".pm .score { color: var(--_muted); font-variant-numeric: tabular-nums; font-size: 12px; }",
    ".pm .why { grid-column: 2 / -1; color: var(--_muted); font-size: 12.5px; }",
    ".pm .foot { margin-top: 8px; font-size: 11.5px; color: var(--_muted); }",
    ".pm .foot a { color: var(--_accent); }",
    ".pm .error { color: #b3261e; }",
    ".pm.dark .error { color: #ff8a80; }",
    ".pm .field { font-family: ui-monospace, monospace; }",
  ].join("\n");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text; // API strings are text, never HTML
    return node;
  }

  function list(value) {
    return (value || "").split(",").map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function number(value) {
    return value === undefined || value === "" ? undefined : Number(value);
  }

  /** The recommendation request the data-attributes describe. */
  function request() {
    var body = { limit: number(data.limit) || 5 };
    if (data.cityId) body.city_id = Number(data.cityId);
    else {
      body.city = { name: data.name || "", country: data.country || "" };
      if (data.latitude) body.city.latitude = number(data.latitude);
      if (data.longitude) body.city.longitude = number(data.longitude);
      if (data.population) body.city.population = number(data.population);
    }
    if (data.needs) body.needs = data.needs;
    if (data.sectors) body.sectors = list(data.sectors);
    if (data.desiredCountries) body.desired_countries = list(data.desiredCountries);
    if (data.role) body.role = data.role;
    // a portal's visitors look for partners abroad unless the host says otherwise
    body.partner_scope = data.partnerScope || "abroad";
    return body;
  }

  /** Where to render: the data-target element, else a new element where the script tag is. */
  function host() {
    if (data.target) {
      var target = document.querySelector(data.target);
      if (target) return target;
    }
    var node = document.createElement("div");
    script.parentNode.insertBefore(node, script);
    return node;
  }

  function render(root, answer) {
    var ol = el("ol");
    answer.partners.forEach(function (p) {
      var li = el("li", "partner");
      li.appendChild(el("span", "rank", String(p.rank)));
      var name = el("span", "name", p.city.name + " ");
      name.appendChild(el("span", "country", p.city.country));
      li.appendChild(name);
      li.appendChild(el("span", "score", p.score.toFixed(3)));
      if (p.reasons.length) li.appendChild(el("span", "why", p.reasons.slice(0, 2).join(" · ")));
      ol.appendChild(li);
    });
    root.replaceChildren();
    if (data.title !== "") root.appendChild(el("h2", "title", data.title || title(answer)));
    root.appendChild(answer.partners.length ? ol : el("p", "empty", "No partner cities matched."));
    var foot = el("div", "foot", "Recommendations by ");
    var link = el("a", "", "partnermatch");
    link.href = API + "/";
    link.target = "_blank";
    link.rel = "noopener";
    foot.appendChild(link);
    foot.appendChild(document.createTextNode(" · model " + answer.model_version));
    root.appendChild(foot);
  }

  function title(answer) {
    var city = answer.query.city ? answer.query.city.name : (data.name || "this city");
    return "Suggested partner cities for " + city;
  }

  /** The API's message, and each field it names, in the widget. */
  function fail(root, status, body) {
    root.replaceChildren();
    var box = el("div", "error");
    box.setAttribute("role", "alert");
    box.appendChild(el("strong", "", "Recommendations unavailable: "));
    box.appendChild(document.createTextNode((body && body.message) || "HTTP " + status));
    ((body && body.details) || []).forEach(function (d) {
      if (!d.field) return;
      var line = el("div", "", "Field: ");
      line.appendChild(el("span", "field", d.field));
      // the message usually repeats the top one already shown: then the field name is enough
      if (d.message && d.message !== body.message) line.appendChild(document.createTextNode(" — " + d.message));
      box.appendChild(line);
    });
    root.appendChild(box);
  }

  var container = host();
  var shadow = container.shadowRoot || container.attachShadow({ mode: "open" });
  var style = el("style");
  style.textContent = STYLE;
  var root = el("div", "pm" + (data.theme === "dark" ? " dark" : ""));
  root.setAttribute("aria-live", "polite");
  root.setAttribute("part", "widget"); // hosts may style it further with ::part(widget)
  root.appendChild(el("p", "loading", "Loading partner recommendations…"));
  shadow.replaceChildren(style, root);

  fetch(API + "/v1/recommendations", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(request()),
  })
    .then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (!response.ok) fail(root, response.status, body);
        else render(root, body);
      });
    })
    .catch(function (err) {
      // a CORS refusal lands here too: the browser hides the answer from the page
      fail(root, 0, { message: "the service at " + API + " could not be reached (" + err.message + ")" });
    });
})();
