// Existing partnerships: next steps for each partnership of the chosen city, and the roll-out
// through a partner shown on its card once a plan with it is drafted.

import { api, h } from "./api.js";

const PARTNERSHIPS = 5; // the city's partnerships listed, most shared cooperations first
const PLACES = 5; // places of a roll-out shown on a card
const numberFormat = new Intl.NumberFormat("en");

function years(p) {
  if (p.first_year === null) return "";
  return p.first_year === p.last_year ? ` · ${p.first_year}` : ` · ${p.first_year}–${p.last_year}`;
}

function renderNextSteps(found) {
  if (!found.sectors.length) return h("p", { class: "help" }, found.note || "No next steps to suggest.");
  return h("div", { class: "next-steps-found" },
    h("p", { class: "help" }, `${found.history.length} shared cooperations; learned from ${found.trajectories} ` +
      "histories of other pairs."),
    h("ol", { class: "next-sectors" }, found.sectors.map((s) => h("li", {},
      h("strong", {}, s.name),
      h("ul", { class: "reasons" }, s.reasons.map((r) => h("li", {}, r)))))),
    found.schemes.length ? h("p", { class: "next-schemes" }, h("span", { class: "label" }, "Funding next: "),
      found.schemes.map((s) => s.name).join("; ")) : null);
}

function renderPartnership(cityId, p, showError) {
  const box = h("div", { class: "next-steps", "aria-live": "polite" });
  const button = h("button", {
    type: "button", class: "show-next-steps", "aria-label": `Next steps with ${p.name}`,
    onclick: async () => {
      button.disabled = true;
      box.replaceChildren(h("p", { class: "status" }, `Looking at ${p.name}…`));
      try {
        const found = await api(`/v1/partnerships/next-steps?city_id=${cityId}&partner_city_id=${p.partner_city_id}`);
        box.replaceChildren(renderNextSteps(found));
      } catch (err) {
        box.replaceChildren();
        showError(err, `The next steps with ${p.name} could not be loaded.`);
      } finally {
        button.disabled = false;
      }
    },
  }, "Next steps");
  return h("li", { class: "partnership", "data-city-id": p.partner_city_id },
    h("h4", {}, p.name, " ", h("span", { class: "meta" },
      `${p.country} · ${p.cooperations} shared cooperation${p.cooperations === 1 ? "" : "s"}${years(p)}`)),
    button, box);
}

/** The chosen store city's partnerships, each with a button that loads its next steps. */
export async function showPartnerships(cityId, cityName, showError) {
  const section = document.getElementById("partnerships");
  section.hidden = true;
  section.replaceChildren();
  let found;
  try {
    found = await api(`/v1/partnerships?city_id=${cityId}&limit=${PARTNERSHIPS}`);
  } catch (err) {
    showError(err, "The city's partnerships could not be loaded.");
    return;
  }
  if (!found.items.length) return;
  section.replaceChildren(
    h("h3", { id: "partnerships-title" }, `${cityName}'s partnerships: next steps`),
    h("p", { class: "help" }, "What pairs like these added next, learned from the dated cooperations of other pairs."),
    h("ul", { class: "partnerships" }, found.items.map((p) => renderPartnership(cityId, p, showError))));
  section.hidden = false;
}

function renderPlaces(found, title) {
  return h("div", { class: `rollout-side rollout-${found.side}` },
    h("h5", {}, title),
    found.places.length ? h("ol", { class: "rollout-places" }, found.places.map((p) => h("li", {},
      h("strong", {}, p.name), p.population ? ` (${numberFormat.format(p.population)})` : "",
      p.city_id === null ? h("span", { class: "badge" }, "not yet in the service") : null,
      h("ul", { class: "reasons" }, p.reasons.map((r) => h("li", {}, r))))))
      : h("p", { class: "help" }, "No places found."));
}

/** On a partner card after a plan is drafted: where the partner can carry the sector next, and
 * which cities of the planner's own country could join. */
export async function showRollout({ card, cityId, partner, sector, sectorName, showError }) {
  card.querySelector(".rollout")?.remove();
  if (!sector) return;
  const box = h("section", { class: "rollout", "aria-label": `Roll-out through ${partner.name}` },
    h("h4", {}, `Roll-out through ${partner.name}: ${sectorName || sector}`),
    h("p", { class: "status" }, "Ranking the places it can reach…"));
  card.append(box);
  const query = `city_id=${cityId}&partner_city_id=${partner.id}&sector=${encodeURIComponent(sector)}&limit=${PLACES}`;
  try {
    const [away, home] = await Promise.all([
      api(`/v1/partnerships/rollout?${query}&side=partner`),
      api(`/v1/partnerships/rollout?${query}&side=home`),
    ]);
    box.replaceChildren(box.firstChild,
      renderPlaces(away, `Places in ${away.country} that ${partner.name} can reach`),
      renderPlaces(home, `Cities of ${home.country} that could join`),
      away.note ? h("p", { class: "help" }, away.note) : null);
  } catch (err) {
    box.remove();
    showError(err, `The roll-out through ${partner.name} could not be ranked.`);
  }
}
