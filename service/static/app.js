// The planner page: a city profile form, the ranked answer, feedback on each partner.
// Plain ES module, no framework and no build step; it talks to the /v1 JSON API of the same origin.

import { api, ApiError, h } from "./api.js";
import { renderMap } from "./map.js";
import { showPartnerships, showRollout } from "./partnerships.js";
import { draftPlan } from "./plan.js";

const $ = (id) => document.getElementById(id);
const form = $("profile");
const output = $("output");
const statusBox = $("status");
const errorBox = $("error");
const SEARCH_DELAY_MS = 250; // debounce: one search per pause in typing, not one per key
const FEEDBACK_KINDS = [
  ["relevant", "Relevant"],
  ["not_relevant", "Not relevant"],
  ["contacted", "Contacted"],
];

const numberFormat = new Intl.NumberFormat("en");
// the request behind the results on screen: feedback refers to it
let lastRequest = null;
let lastAnswer = null;

// ----------------------------------------------------------------------------- messages

function clearMessages() {
  errorBox.hidden = true;
  errorBox.replaceChildren();
  statusBox.textContent = "";
  showNeedsRead(null);
}

/** Under the needs box: what the answer read of the text (query.needs_read.notice), if not all. */
function showNeedsRead(read) {
  const box = $("needs-read");
  box.textContent = read && read.notice ? read.notice : "";
  box.hidden = !box.textContent;
}

/** The API's message and every details[].field, so the planner knows what to fix. */
function errorContent(err, context) {
  const body = err instanceof ApiError ? err.body : { message: String(err) };
  let lead = context;
  if (err.status === 503) lead = "No model is promoted yet, so there are no recommendations to show.";
  else if (err.status === 429) lead = "Too many requests — please wait a moment.";
  const details = err instanceof ApiError ? err.details : [];
  return [
    h("p", { class: "error-lead" }, lead),
    h("p", { class: "error-message" }, body.message || "Unknown error."),
    details.length
      ? h("ul", { class: "error-details" },
        // each field the API names; its message only when it adds to the one above
        details.map((d) => h("li", {}, "Field ", d.field ? h("code", {}, d.field) : "(none)",
          d.message && d.message !== body.message ? ` — ${d.message}` : "")))
      : null,
    err.status ? h("p", { class: "help" }, `HTTP ${err.status}${body.error ? ` · ${body.error}` : ""}`) : null,
  ];
}

function showError(err, context) {
  errorBox.replaceChildren(...errorContent(err, context));
  errorBox.hidden = false;
}

// ----------------------------------------------------------------------------- city mode

function mode() {
  return form.querySelector('input[name="mode"]:checked').value;
}

for (const radio of form.querySelectorAll('input[name="mode"]')) {
  radio.addEventListener("change", () => {
    $("existing-city").hidden = mode() !== "existing";
    $("new-city").hidden = mode() !== "new";
  });
}

// ----------------------------------------------------------------------------- city search (combobox)

const search = $("city-search");
const listbox = $("city-options");
const chosen = $("city-chosen");
const cityId = $("city-id");
let options = [];      // the cities currently listed
let active = -1;       // index of the highlighted option (keyboard)
let searchTimer = 0;
let searchAbort = null;

function closeList() {
  listbox.hidden = true;
  search.setAttribute("aria-expanded", "false");
  search.removeAttribute("aria-activedescendant");
  active = -1;
}

function setActive(index) {
  const items = listbox.querySelectorAll('[role="option"]');
  if (!items.length) return;
  active = (index + items.length) % items.length;
  items.forEach((item, i) => item.setAttribute("aria-selected", i === active ? "true" : "false"));
  search.setAttribute("aria-activedescendant", items[active].id);
  items[active].scrollIntoView({ block: "nearest" });
}

function choose(city) {
  cityId.value = String(city.id);
  search.value = city.name;
  chosen.textContent = `Chosen: ${city.name} (${city.country})${city.admin_area ? `, ${city.admin_area}` : ""} — id ${city.id}`;
  closeList();
  showPartnerships(city.id, city.name, showError);
}

function describe(city) {
  const where = [city.admin_area, city.country].filter(Boolean).join(", ");
  const pop = city.population ? ` · ${numberFormat.format(city.population)} inhabitants` : "";
  return `${where}${pop}`;
}

function showOptions(cities, query) {
  options = cities;
  listbox.replaceChildren();
  if (!cities.length) {
    listbox.append(h("li", { class: "empty", "aria-disabled": "true" },
      `No city starts with “${query}”. Choose “A new city” to describe it.`));
  }
  cities.forEach((city, i) => {
    listbox.append(h("li", {
      id: `city-option-${i}`,
      role: "option",
      "aria-selected": "false",
      // mousedown, not click: it fires before the input loses focus and closes the list
      onmousedown: (event) => { event.preventDefault(); choose(city); },
    }, h("span", { class: "opt-name" }, city.name), h("span", { class: "opt-meta" }, describe(city))));
  });
  listbox.hidden = false;
  search.setAttribute("aria-expanded", "true");
  active = -1;
}

async function runSearch(query) {
  searchAbort?.abort();
  searchAbort = new AbortController();
  try {
    const page = await api(`/v1/cities?q=${encodeURIComponent(query)}&limit=8`, { signal: searchAbort.signal });
    if (search.value.trim() === query) showOptions(page.items, query);
  } catch (err) {
    if (err.name === "AbortError") return;
    listbox.replaceChildren(h("li", { class: "empty", "aria-disabled": "true" }, `Search failed: ${err.message}`));
    listbox.hidden = false;
  }
}

search.addEventListener("input", () => {
  // the text no longer names the chosen city
  cityId.value = "";
  chosen.textContent = "No city chosen yet.";
  clearTimeout(searchTimer);
  const query = search.value.trim();
  if (query.length < 2) { closeList(); return; }
  searchTimer = setTimeout(() => runSearch(query), SEARCH_DELAY_MS);
});

search.addEventListener("keydown", (event) => {
  const open = !listbox.hidden && options.length > 0;
  if (event.key === "ArrowDown" && open) { event.preventDefault(); setActive(active + 1); }
  else if (event.key === "ArrowUp" && open) { event.preventDefault(); setActive(active - 1); }
  else if (event.key === "Enter" && open) {
    // Enter picks a city instead of submitting the form while the list is open
    event.preventDefault();
    choose(options[Math.max(active, 0)]);
  } else if (event.key === "Escape") closeList();
});
search.addEventListener("blur", () => setTimeout(closeList, 100));

// ----------------------------------------------------------------------------- needs counter

const needs = $("needs");
const needsMax = Number(needs.getAttribute("maxlength"));
const counter = $("needs-count");
needs.addEventListener("input", () => {
  counter.textContent = `${needs.value.length} / ${needsMax} characters`;
});

// ----------------------------------------------------------------------------- sectors and regions

function checklist(container, name, items) {
  container.replaceChildren(...items.map((item) => h("label", { class: "check-item", title: item.title || null },
    h("input", { type: "checkbox", name, value: item.value }), item.label)));
}

async function loadChoices() {
  try {
    const page = await api("/v1/sectors?limit=200");
    checklist($("sectors"), "sectors", page.items.map((s) => ({ value: s.id, label: s.name, title: s.description })));
  } catch (err) {
    $("sectors").replaceChildren(h("p", { class: "help" }, `Sectors could not be loaded: ${err.message}`));
  }
  try {
    const regions = await api("/v1/regions");
    checklist($("regions"), "regions", regions.map((r) => ({ value: r.code, label: `${r.code} — ${r.name}` })));
  } catch (err) {
    $("regions").replaceChildren(h("p", { class: "help" }, `Regions could not be loaded: ${err.message}`));
  }
}

// ----------------------------------------------------------------------------- the request

class FormProblem extends Error {}

function optionalNumber(id, label) {
  const input = $(id);
  // a number input holding text reports badInput and an empty value: say so rather than drop it
  if (input.validity.badInput) throw new FormProblem(`${label}: “${input.value}” is not a number.`);
  return input.value === "" ? undefined : Number(input.value);
}

function buildRequest() {
  const request = {};
  if (mode() === "existing") {
    if (!cityId.value) {
      throw new FormProblem("Choose a city from the search list (type part of its name), or choose “A new city”.");
    }
    request.city_id = Number(cityId.value);
  } else {
    const city = { name: $("city-name").value.trim(), country: $("city-country").value.trim() };
    const lat = optionalNumber("city-lat", "Latitude");
    const lon = optionalNumber("city-lon", "Longitude");
    const population = optionalNumber("city-pop", "Population");
    if (lat !== undefined) city.latitude = lat;
    if (lon !== undefined) city.longitude = lon;
    if (population !== undefined) city.population = population;
    request.city = city;
  }
  request.needs = needs.value;
  request.sectors = [...form.querySelectorAll('input[name="sectors"]:checked')].map((i) => i.value);
  request.desired_countries = $("countries").value.split(/[\s,;]+/).filter(Boolean);
  request.desired_regions = [...form.querySelectorAll('input[name="regions"]:checked')].map((i) => i.value);
  request.strict = $("strict").checked;
  request.partner_scope = $("scope").value;
  if ($("role").value) request.role = $("role").value;
  if ($("similar-size").checked) request.population = "similar";
  request.exclude_existing = $("exclude").checked;
  const limit = optionalNumber("limit", "Partners");
  if (limit !== undefined) request.limit = limit;
  return request;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearMessages();
  let request;
  try {
    request = buildRequest();
  } catch (err) {
    if (!(err instanceof FormProblem)) throw err;
    showError(new ApiError(0, { message: err.message }), "Please complete the form.");
    return;
  }
  const button = $("submit");
  button.disabled = true;
  output.setAttribute("aria-busy", "true");
  statusBox.textContent = "Finding partners…";
  try {
    const answer = await api("/v1/recommendations", { method: "POST", body: request });
    lastRequest = request;
    lastAnswer = answer;
    renderAnswer(answer);
    $("results").focus();
  } catch (err) {
    statusBox.textContent = "";
    output.replaceChildren();
    showError(err, "The recommendation request was not accepted.");
  } finally {
    button.disabled = false;
    output.removeAttribute("aria-busy");
  }
});

// ----------------------------------------------------------------------------- the answer

const SUCCESS_LABELS = { high: "high success", medium: "medium success", low: "low success", unknown: "success unknown" };
const ELIGIBLE_LABELS = new Map([[true, ["eligible", "Eligible"]], [false, ["not-eligible", "Not eligible"]],
  [null, ["unknown", "Eligibility unknown"]]]);

function renderAnswer(answer) {
  // sectors and funding_schemes are optional in the schema: treat a missing list as empty
  answer.sectors = answer.sectors || [];
  answer.funding_schemes = answer.funding_schemes || [];
  showNeedsRead(answer.query.needs_read);
  const query = answer.query.city;
  const name = query ? `${query.name} (${query.country})` : (lastRequest.city ? lastRequest.city.name : "your city");
  if (!answer.partners.length) {
    statusBox.textContent = `No partner cities found for ${name}.`;
    output.replaceChildren(h("div", { class: "card empty-result" },
      h("h3", {}, "No partners matched"),
      h("p", {}, "Try fewer filters: untick “Only these countries and regions”, remove sectors, " +
        "include cities you already cooperate with, or describe the needs more broadly.")));
    return;
  }
  statusBox.textContent = `${answer.partners.length} partner cities for ${name} · model ${answer.model_version}`;
  const map = renderMap(query || lastRequest.city, answer.partners);
  output.replaceChildren(
    map ? h("figure", { class: "card map-card" }, map,
      h("figcaption", { class: "help" }, "Square: your city. Dots: suggested partners, numbered by rank.")) : null,
    h("section", { class: "card", "aria-labelledby": "partners-title" },
      h("h3", { id: "partners-title" }, "Suggested partners"),
      answer.wish_shortfall ? h("p", { class: "help wish-shortfall", role: "note" }, answer.wish_shortfall.message) : null,
      h("ol", { class: "partners" }, answer.partners.map(renderPartner))),
    h("div", { class: "side" },
      h("section", { class: "card", "aria-labelledby": "sectors-title" },
        h("h3", { id: "sectors-title" }, "Cooperation sectors"),
        answer.sectors.length ? h("ul", { class: "sectors" }, answer.sectors.map(renderSector))
          : h("p", { class: "help" }, "No sector suggestions.")),
      h("section", { class: "card", "aria-labelledby": "funding-title" },
        h("h3", { id: "funding-title" }, "Funding schemes"),
        answer.funding_schemes.length ? h("ul", { class: "schemes" }, answer.funding_schemes.map(renderScheme))
          : h("p", { class: "help" }, "No funding scheme suggestions."))),
  );
}

function renderPartner(p) {
  const c = p.city;
  // wished places come first, so the first partner need not score highest
  const top = Math.max(...lastAnswer.partners.map((x) => x.score)) || 1;
  const meta = [c.country, c.population ? `${numberFormat.format(c.population)} inhabitants` : null].filter(Boolean);
  return h("li", { class: "partner", "data-city-id": c.id },
    h("div", { class: "partner-head" },
      h("span", { class: "rank", "aria-hidden": "true" }, p.rank),
      h("h4", {}, c.name, " ", h("span", { class: "meta" }, meta.join(" · "))),
      h("span", { class: "score" }, `score ${p.score.toFixed(3)}`)),
    h("div", { class: "bar", "aria-hidden": "true" }, h("span", { style: `width:${Math.max(4, (100 * p.score) / top)}%` })),
    p.reasons.length ? h("ul", { class: "reasons", "aria-label": `Why ${c.name}` }, p.reasons.map((r) => h("li", {}, r))) : null,
    renderPartnerFunding(p),
    p.precedents.length ? h("details", { class: "precedents", open: true },
      h("summary", {}, `Precedent cooperations (${p.precedents.length})`),
      h("ul", {}, p.precedents.map(renderPrecedent))) : null,
    renderFeedback(p),
    renderDraftButton(p));
}

// a plan is drafted for two store cities: only when the query city has an id
function renderDraftButton(p) {
  const home = lastAnswer.query.city;
  if (!home || !home.id) return null;
  const sectors = (lastAnswer.sectors || []).slice(0, 3).map((s) => s.id);
  return h("div", { class: "plan-draft" }, h("button", {
    type: "button", class: "draft-plan", "aria-label": `Draft an action plan with ${p.city.name}`,
    onclick: async (event) => {
      clearMessages();
      const card = event.currentTarget.closest("li.partner");
      const drafted = await draftPlan({ cityId: home.id, partner: p.city, sectors, showError, button: event.currentTarget });
      const first = (lastAnswer.sectors || [])[0];
      if (drafted && first) {
        showRollout({ card, cityId: home.id, partner: p.city, sector: first.id, sectorName: first.name, showError });
      }
    },
  }, "Draft an action plan"));
}

// the suggested schemes that may fund a cooperation with this partner, best first
function renderPartnerFunding(p) {
  const schemes = (lastAnswer.funding_schemes || []).filter((f) => (f.partner_city_ids || []).includes(p.city.id));
  if (!schemes.length) return null;
  return h("p", { class: "partner-funding" }, h("span", { class: "label" }, "Funding: "),
    schemes.map((f) => f.name).join("; "));
}

function renderPrecedent(pr) {
  const success = pr.success || "unknown";
  return h("li", { class: "precedent" },
    h("div", {}, h("strong", {}, pr.title), " ",
      h("span", { class: `badge success-${success}` }, SUCCESS_LABELS[success] || success),
      pr.basis === "similar_pair" ? [" ", h("span", { class: "badge similar-pair",
        title: "Between cities of the same two countries, in the sectors you asked about" }, "similar pair")] : null),
    h("div", { class: "meta" }, [pr.start_year, pr.kind, pr.cities.join(", ")].filter(Boolean).join(" · ")),
    pr.outcome_summary ? h("p", { class: "outcome" }, h("span", { class: "label" }, "Outcome: "), pr.outcome_summary) : null);
}

function renderSector(s) {
  return h("li", {},
    h("div", { class: "row-head" }, h("strong", {}, s.name), h("span", { class: "score" }, s.score.toFixed(2))),
    s.reasons.length ? h("ul", { class: "reasons" }, s.reasons.map((r) => h("li", {}, r))) : null);
}

function renderScheme(f) {
  const [cls, label] = ELIGIBLE_LABELS.get(f.eligible ?? null);
  const partner = lastAnswer.partners.find((p) => p.city.id === f.partner_city_id);
  const named = (f.partner_city_ids || []).map((id) => lastAnswer.partners.find((p) => p.city.id === id))
    .filter(Boolean).map((p) => p.city.name);
  const forWhom = named.length > 4 ? `${named.slice(0, 4).join(", ")} and ${named.length - 4} more` : named.join(", ");
  return h("li", { class: `scheme ${cls}` },
    h("div", { class: "row-head" }, h("strong", {}, f.name), h("span", { class: `badge ${cls}` }, label)),
    named.length ? h("p", { class: "meta scheme-partners" }, `For a partnership with ${forWhom}`) : null,
    partner ? h("p", { class: "meta" }, `Checks shown for ${partner.city.name}`) : null,
    f.reasons.length ? h("ul", { class: "reasons" }, f.reasons.map((r) => h("li", {}, r))) : null,
    f.checks.length ? h("ul", { class: "checks", "aria-label": `Eligibility rules of ${f.name}` },
      f.checks.map((c) => h("li", { class: `check ${c.status}` },
        h("span", { class: "check-status" }, c.status), " ", h("span", { class: "check-rule" }, c.rule), " — ", c.detail)))
      : null,
    f.to_confirm.length ? h("div", { class: "confirm" }, h("span", { class: "label" }, "To confirm:"),
      h("ul", {}, f.to_confirm.map((t) => h("li", {}, t)))) : null);
}

// ----------------------------------------------------------------------------- feedback

function renderFeedback(p) {
  const status = h("p", { class: "feedback-status", role: "status" });
  const group = h("div", { class: "feedback", role: "group", "aria-label": `Feedback on ${p.city.name}` });
  for (const [kind, label] of FEEDBACK_KINDS) {
    group.append(h("button", {
      type: "button", class: "fb", "data-kind": kind, "aria-pressed": "false",
      onclick: (event) => sendFeedback(p, kind, label, event.currentTarget, status),
    }, label));
  }
  return h("div", { class: "feedback-wrap" }, group, status);
}

async function sendFeedback(p, kind, label, button, status) {
  const body = { partner_city_id: p.city.id, kind, model_version: lastAnswer.model_version };
  // a stored city is named by id; a new city's feedback carries the whole request
  if (lastRequest.city_id) body.query_city_id = lastRequest.city_id;
  else body.query = lastRequest;
  status.className = "feedback-status";
  status.textContent = "Sending…";
  try {
    await api("/v1/feedback", { method: "POST", body });
    for (const b of button.parentElement.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b === button));
    status.textContent = `Thank you — recorded “${label}” for ${p.city.name}.`;
  } catch (err) {
    status.className = "feedback-status failed";
    const retry = err.status === 429 && err.retryAfter ? ` (retry in ${err.retryAfter} s)` : "";
    const fields = (err.details || []).filter((d) => d.field).map((d) => `${d.field}: ${d.message}`).join("; ");
    status.textContent = `Feedback not recorded${retry}: ${err.message}${fields && !err.message.includes(fields) ? ` (${fields})` : ""}`;
  }
}

loadChoices();
