// The action plan view: a draft for a pair of store cities, edited on the page, downloaded as
// Markdown or Word, printed, and saved to the server with a write key.

import { api, apiFile, h, saveFile } from "./api.js";

const KEY_STORE = "partnermatch.writeKey"; // sessionStorage only: gone when the browser session ends
const view = document.getElementById("plan");

// the plan on screen: the pair it is for, the edited content, and the saved plan (once saved)
let current = null;

/**
 * Draft a plan for (cityId, partner) and show it for editing.
 * `showError(err, context)` is the page's error display; `sectors` the answer's top sector ids.
 * Resolves to whether a draft is on screen.
 */
export async function draftPlan({ cityId, partner, sectors, showError, button }) {
  button.disabled = true;
  view.hidden = false;
  view.setAttribute("aria-busy", "true");
  view.replaceChildren(h("p", { class: "status" }, `Drafting an action plan with ${partner.name}…`));
  try {
    const draft = await api("/v1/plans/draft", {
      method: "POST", body: { city_id: cityId, partner_city_id: partner.id, sectors },
    });
    current = { pair: { city_id: cityId, partner_city_id: partner.id, sectors }, content: draft, saved: null, showError };
    renderPlan();
    document.getElementById("plan-title").focus();
    return true;
  } catch (err) {
    view.hidden = true;
    view.replaceChildren();
    showError(err, "The action plan could not be drafted.");
    return false;
  } finally {
    button.disabled = false;
    view.removeAttribute("aria-busy");
  }
}

// ----------------------------------------------------------------------------- the editable view

function autosize(area) {
  area.style.height = "auto";
  area.style.height = `${area.scrollHeight + 2}px`;
}

// an edited line is the planner's own text; it keeps saying what it was drafted from
function edit(line, text) {
  line.text = text;
  if (!line.source.startsWith("planner")) line.source = `planner, from ${line.source}`.slice(0, 200);
}

function renderLine(section, line, i) {
  const origin = () => [line.phase, line.status, line.source].filter(Boolean).join(" · ");
  const source = h("span", { class: "plan-source" }, origin());
  const area = h("textarea", {
    class: "plan-text", rows: 1, "aria-label": `${section.title}, line ${i + 1}`,
    oninput: (event) => {
      edit(line, event.target.value);
      source.textContent = origin();
      autosize(event.target);
      markEdited();
    },
  });
  area.value = line.text;
  return h("li", { class: "plan-line" }, area, source);
}

function renderSection(section) {
  const headingId = `plan-section-${section.id}`;
  return h("section", { class: "plan-section", "data-section": section.id, "aria-labelledby": headingId },
    h("h3", { id: headingId }, section.title),
    section.lines.length ? h("ol", { class: "plan-lines" }, section.lines.map((line, i) => renderLine(section, line, i)))
      : h("p", { class: "help" }, "Nothing here yet."));
}

function renderPlan() {
  const { content } = current;
  const title = h("input", {
    id: "plan-title", type: "text", maxlength: 300, class: "plan-title-input",
    oninput: (event) => { content.title = event.target.value; markEdited(); },
  });
  title.value = content.title;
  const key = h("input", {
    id: "plan-key", type: "password", autocomplete: "off", spellcheck: "false", "aria-describedby": "plan-key-help",
    oninput: (event) => {
      if (event.target.value) sessionStorage.setItem(KEY_STORE, event.target.value);
      else sessionStorage.removeItem(KEY_STORE);
    },
  });
  key.value = sessionStorage.getItem(KEY_STORE) || "";
  view.replaceChildren(
    h("div", { class: "plan-head" },
      h("h2", { id: "plan-heading" }, "Action plan (draft)"),
      h("p", { class: "help" }, "Edit any line; the grey text beside it says where it came from. ",
        "Empty lines are left out when you download or save.")),
    h("label", { for: "plan-title" }, "Title"), title,
    ...content.sections.map(renderSection),
    h("div", { class: "plan-tools" },
      h("div", { class: "plan-buttons" },
        h("button", { type: "button", onclick: downloadMarkdown }, "Download Markdown"),
        h("button", { type: "button", onclick: downloadWord }, "Download Word"),
        h("button", { type: "button", onclick: () => window.print() }, "Print")),
      h("div", { class: "field plan-key" },
        h("label", { for: "plan-key" }, "Write key"), key,
        h("p", { id: "plan-key-help", class: "help" },
          "Needed only to save; kept for this browser session only (sessionStorage) and sent only to this service.")),
      h("button", { type: "button", id: "plan-save", onclick: save }, "Save"),
      h("p", { id: "plan-status", class: "plan-status", role: "status" }, savedText())));
  for (const area of view.querySelectorAll("textarea")) autosize(area);
}

function savedText() {
  const saved = current.saved;
  if (!saved) return "Not saved yet.";
  return `Saved as plan ${saved.id}, version ${saved.current_version}${current.edited ? " — with unsaved edits" : ""}.`;
}

function setStatus(text, failed = false) {
  const box = document.getElementById("plan-status");
  box.textContent = text;
  box.classList.toggle("failed", failed);
}

function markEdited() {
  current.edited = true;
  setStatus(savedText());
}

// ----------------------------------------------------------------------------- content and downloads

/** The edited content in the API's PlanContent shape (no empty lines, only the line fields). */
function editedContent() {
  const { content } = current;
  return {
    title: content.title.trim() || "Action plan",
    sections: content.sections.map((s) => ({
      id: s.id,
      title: s.title,
      lines: s.lines.filter((l) => l.text.trim()).map((l) => ({
        text: l.text.trim(), source: l.source, phase: l.phase ?? null, sector: l.sector ?? null, status: l.status ?? null,
      })),
    })),
  };
}

/** The same shape as the server's Markdown export: headings, phases, one bullet per line with its source. */
function toMarkdown(content) {
  const out = [`# ${content.title}`, ""];
  for (const section of content.sections) {
    out.push(`## ${section.title}`, "");
    let phaseSeen = null;
    for (const line of section.lines) {
      if (line.phase && line.phase !== phaseSeen) {
        out.push("", `### ${line.phase}`, "");
        phaseSeen = line.phase;
      }
      out.push(`- ${line.text.replace(/\s*\n\s*/g, " ")} [${line.source}]`);
    }
    out.push("");
  }
  return out.join("\n").replace(/\n{3,}/g, "\n\n");
}

function fileStem() {
  return current.saved ? `plan-${current.saved.id}-draft` : "action-plan-draft";
}

function downloadMarkdown() {
  // built here from what is on screen, so unsaved edits are in the file too
  const blob = new Blob([toMarkdown(editedContent())], { type: "text/markdown;charset=utf-8" });
  saveFile(blob, `${fileStem()}.md`);
  setStatus(`Markdown downloaded. ${savedText()}`);
}

function authHeaders() {
  const key = sessionStorage.getItem(KEY_STORE);
  return key ? { Authorization: `Bearer ${key}` } : {};
}

async function downloadWord() {
  if (!current.saved) {
    setStatus("Word needs the plan saved first: enter a write key and press Save.", true);
    return;
  }
  try {
    const { blob, name } = await apiFile(`/v1/plans/${current.saved.id}/export?format=docx`, { headers: authHeaders() });
    saveFile(blob, name);
    setStatus(current.edited ? "Word downloaded — the last saved version; save to include your newer edits."
      : "Word downloaded.");
  } catch (err) {
    current.showError(err, "The Word document could not be downloaded.");
    setStatus("Word download failed — see the message above.", true);
  }
}

// ----------------------------------------------------------------------------- saving

async function save(event) {
  const key = sessionStorage.getItem(KEY_STORE);
  if (!key) {
    setStatus("Saving needs a write key: enter it in the field above.", true);
    return;
  }
  const button = event.currentTarget;
  button.disabled = true;
  setStatus("Saving…");
  try {
    const content = editedContent();
    const headers = { Authorization: `Bearer ${key}` };
    current.saved = current.saved
      ? await api(`/v1/plans/${current.saved.id}`, { method: "PUT", headers, body: { content, note: "edited on the planner page" } })
      : await api("/v1/plans", { method: "POST", headers, body: { ...current.pair, content, note: "saved from the planner page" } });
    current.edited = false;
    setStatus(savedText());
  } catch (err) {
    current.showError(err, "The plan was not saved.");
    setStatus("Not saved — see the message above.", true);
  } finally {
    button.disabled = false;
  }
}
