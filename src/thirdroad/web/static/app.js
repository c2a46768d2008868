// The web app's page logic. Text that came from the user is only ever set with textContent;
// innerHTML is used only for markup the server built and escaped (MathML, SVG, concept cards).
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

async function api(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["content-type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  let data = null;
  try { data = await response.json(); } catch (err) { data = null; }
  if (!response.ok) {
    const error = (data && data.error) || { kind: "http", message: `the server answered ${response.status}` };
    throw Object.assign(new Error(error.message), { details: error });
  }
  return data;
}

function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// ------------------------------------------------------------------ tabs

function showTab(name) {
  for (const button of $$("nav button")) button.setAttribute("aria-selected", String(button.dataset.tab === name));
  for (const panel of $$(".tab")) panel.hidden = panel.id !== `tab-${name}`;
  if (name === "matrix" && !$("#matrix-grid").children.length) buildGrid(2, [[1, 0], [0, 1]]);
  if (name === "race" && !$("#race-surface").children.length) loadOptions();
  if (name === "concepts" && !$("#concept-list").children.length) loadConcepts();
}

// ------------------------------------------------------------------ explain

let explainSeq = 0;

// The explanation's pieces come drawn by the server (the same renderer as the companion page
// and a notebook): markup it built and escaped.
function renderChunks(box, data) {
  box.innerHTML = data.html.chunks || "";
  for (const item of $$("li[data-chunk]", box)) {
    item.addEventListener("mouseenter", () => highlight(item.dataset.chunk, true));
    item.addEventListener("mouseleave", () => highlight(item.dataset.chunk, false));
  }
  if (!box.children.length) box.append(el("p", { class: "method", text: "no known chunk recognised yet" }));
}

function highlight(chunk, on) {
  for (const node of $$(`#explain-math .chunk[data-chunk="${chunk}"]`)) node.classList.toggle("active", on);
  for (const node of $$(`#explain-chunks li[data-chunk="${chunk}"]`)) node.classList.toggle("active", on);
}

// A near-miss note: the server drew it (its reason, then the likely intended formula as MathML).
function noteNode(w, tag = "div", prefix = "") {
  const node = el(tag, { class: tag === "div" ? "warning" : "" }, prefix ? document.createTextNode(prefix) : null);
  const body = el("span");
  body.innerHTML = w.html;  // server-built, every text escaped
  node.append(body);
  return node;
}

async function explainNow() {
  const text = $("#formula").value;
  const seq = ++explainSeq;
  if (!text.trim()) {
    $("#explain-out").hidden = true; $("#explain-error").hidden = true; $("#explain-status").textContent = "";
    return;
  }
  $("#explain-status").textContent = "reading…";
  try {
    const data = await api("POST", "/api/explain", { text });
    if (seq !== explainSeq) return;
    $("#explain-math").innerHTML = data.mathml;  // server-built MathML, every text escaped
    renderChunks($("#explain-chunks"), data);
    $("#explain-lenses").innerHTML = data.html.lenses;  // server-built, escaped
    $("#explain-warnings").innerHTML = data.html.notes;
    $("#explain-repairs").innerHTML = data.html.repairs;
    $("#explain-picture").innerHTML = data.html.picture;  // server-built SVG
    explained = { text, data };
    faded = [];
    renderFade(null);
    renderSliders(data.example);
    $("#explain-latex").textContent = data.latex;
    $("#explain-notation").textContent = data.notation;
    const names = (data.concepts || []).map((c) => (data.names && data.names[c]) || c);
    $("#explain-status").textContent = names.length ? `concepts: ${names.join(", ")}` : "read; no named concept found";
    $("#explain-out").hidden = false; $("#explain-error").hidden = true;
  } catch (err) {
    if (seq !== explainSeq) return;
    const d = err.details || {};
    $("#explain-error-message").textContent = d.column ? `${d.message} (column ${d.column})` : err.message;
    $("#explain-error-caret").textContent = d.caret || "";
    $("#explain-error-hint").textContent = d.hint ? `hint: ${d.hint}` : "";
    $("#explain-status").textContent = "";
    $("#explain-error").hidden = false; $("#explain-out").hidden = true;
  }
}

// ------------------------------------------------------------------ fade out, sliders

let explained = null;  // the formula on show and its explanation
let faded = [];         // what the learner faded out: places in the tree or symbols as written

function renderFade(f) {
  for (const node of $$("#explain-math .faded")) node.classList.remove("faded");
  $("#explain-fade").hidden = !f;
  $("#fade-clear").hidden = !f;
  if (!f) return;
  for (const what of faded) {
    for (const node of $$(`#explain-math [data-node="${what}"]`)) node.classList.add("faded");
  }
  $("#fade-says").textContent = f.says.charAt(0).toUpperCase() + f.says.slice(1);
  $("#fade-math").innerHTML = f.mathml;       // server-built MathML
  $("#fade-lenses").innerHTML = f.html.lenses;  // server-built, escaped
}

async function fadeNow() {
  if (!explained) return;
  if (!faded.length) { renderFade(null); $("#explain-status").textContent = ""; return; }
  try {
    const data = await api("POST", "/api/explain", { text: explained.text, fade: faded });
    renderFade(data.faded);
  } catch (err) {
    faded = [];
    renderFade(null);
    $("#explain-status").textContent = err.message;
  }
}

function toggleFade(what) {
  faded = faded.includes(what) ? faded.filter((w) => w !== what) : [...faded, what];
  fadeNow();
}

function clickToFade(event) {
  const node = event.target.closest("[data-node]");
  if (!node || !$("#explain-math").contains(node) || node.getAttribute("data-node") === "0") return;
  // a symbol's own letters fade the symbol; a click inside a box fades the whole box
  const box = node.closest(".chunk");
  const target = node.matches("mi, mn, msub, msup, msubsup, mover") || !box ? node : box;
  toggleFade(target.getAttribute("data-node"));
}

function sliderRange(value) {
  if (value > 0 && value < 1) return [0, 0.999, 0.001];
  const reach = Math.max(5, 2 * Math.abs(value));
  return [-reach, reach, reach / 100];
}

function renderSliders(example) {
  const list = $("#slider-list");
  list.replaceChildren();
  const inputs = (example && example.inputs) || [];
  for (const input of inputs) {
    const values = Array.isArray(input.value) ? input.value : [input.value];
    if (values.length > 6) continue;
    values.forEach((value, i) => {
      if (value !== 0 && Math.abs(value) < 1e-4) return;  // an epsilon: nothing to see moving it
      const [min, max, step] = sliderRange(value);
      const label = Array.isArray(input.value) ? `${input.shown}, entry ${i + 1}` : input.shown;
      const slider = el("input", { type: "range", min: String(min), max: String(max), step: String(step),
                                   value: String(value), "data-name": input.name, "data-entry": String(i) });
      slider.setAttribute("aria-label", label);
      const shown = el("output", { text: String(value) });
      slider.addEventListener("input", () => { shown.textContent = Number(slider.value).toPrecision(3); recompute(); });
      list.append(el("label", { class: "slider" }, el("span", { text: label }), slider, shown));
    });
  }
  $("#explain-sliders").hidden = !list.children.length;
}

const recompute = debounce(async () => {
  if (!explained) return;
  const values = {};
  for (const input of (explained.data.example || { inputs: [] }).inputs) {
    const current = Array.isArray(input.value) ? [...input.value] : input.value;
    for (const slider of $$(`#slider-list input[data-name="${input.name}"]`)) {
      const value = Number(slider.value);
      if (Array.isArray(current)) current[Number(slider.dataset.entry)] = value; else values[input.name] = value;
    }
    if (Array.isArray(current)) values[input.name] = current;
  }
  try {
    const data = await api("POST", "/api/explain", { text: explained.text, values });
    $("#explain-lenses").innerHTML = data.html.lenses;   // server-built, escaped
    $("#explain-picture").innerHTML = data.html.picture;  // server-built SVG
    $("#explain-status").textContent = "";
  } catch (err) {
    $("#explain-status").textContent = err.message;
  }
}, 120);

// ------------------------------------------------------------------ read

let companionUrl = null;

async function readNow() {
  const text = $("#document").value;
  if (!text.trim()) { $("#read-status").textContent = "paste a document or choose a file first"; return; }
  $("#read-status").textContent = "reading the document…";
  const body = { text, filename: $("#document").dataset.filename || "" };
  if ($("#document-format").value) body.format = $("#document-format").value;
  try {
    const data = await api("POST", "/api/read", body);
    renderReading(data);
  } catch (err) {
    $("#read-status").textContent = `could not read it: ${err.message}`;
  }
}

function renderReading(data) {
  const reading = data.reading;
  $("#read-status").textContent = `${reading.formulas.length} formulas, ${reading.concepts.length} concepts`;
  $("#read-summary").textContent = data.summary;
  $("#read-summary").hidden = false;
  const warnings = $("#read-warnings ul");
  warnings.replaceChildren(...reading.warnings.map((w) => noteNode(w, "li", `#${w.formula + 1} (${w.location}): `)));
  $("#read-warnings").hidden = !reading.warnings.length;
  const out = $("#read-formulas");
  out.replaceChildren();
  reading.formulas.forEach((f, i) => {
    const card = el("section", { class: f.explanation ? "formula" : "formula unread", id: `read-f-${i}` },
      el("div", { class: "where", text: `#${i + 1} · ${f.location} · ${f.found_by}` }),
      f.context_shown ? el("blockquote", { class: "context", text: f.context_shown }) : null);
    if (f.explanation) {
      const math = el("div", { class: "math" });
      math.innerHTML = f.mathml;  // server-built MathML
      card.append(math);
      const names = f.explanation.concepts.map((c) => reading.names[c] || c);
      card.append(el("p", { class: "concepts", text: names.length ? `concepts: ${names.join(", ")}` : "no named concept" }));
      for (const w of f.explanation.warnings) card.append(noteNode(w));
    } else {
      card.classList.add("unread");
      card.append(el("pre", { text: f.text }), el("div", { class: "error", text: f.error ? f.error.message : "not read" }));
    }
    out.append(card);
  });
  if (companionUrl) URL.revokeObjectURL(companionUrl);
  companionUrl = URL.createObjectURL(new Blob([data.companion], { type: "text/html" }));
  $("#companion-link").href = companionUrl;
  $("#companion-link").hidden = false;
}

function loadFile(event) {
  const file = event.target.files[0];
  if (!file) return;
  if (file.size > 400000) { $("#read-status").textContent = "that file is larger than 400 kB"; return; }
  const reader = new FileReader();
  reader.onload = () => {
    $("#document").value = reader.result;
    $("#document").dataset.filename = file.name;
    $("#read-status").textContent = `${file.name} loaded`;
  };
  reader.readAsText(file);
}

// ------------------------------------------------------------------ matrix

function buildGrid(size, values) {
  const grid = $("#matrix-grid");
  grid.replaceChildren();
  grid.style.gridTemplateColumns = `repeat(${size}, auto)`;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const input = el("input", { type: "number", step: "0.1", value: String(values[r][c]), "data-r": r, "data-c": c });
      input.setAttribute("aria-label", `row ${r + 1}, column ${c + 1}`);
      input.addEventListener("input", debounce(actMatrix, 300));
      grid.append(input);
    }
  }
  $("#matrix-size").value = String(size);
  actMatrix();
}

function readGrid() {
  const size = Number($("#matrix-size").value);
  const rows = Array.from({ length: size }, () => Array(size).fill(0));
  for (const input of $$("#matrix-grid input")) {
    const value = Number(input.value);
    if (input.value.trim() === "" || !Number.isFinite(value)) return null;
    rows[Number(input.dataset.r)][Number(input.dataset.c)] = value;
  }
  return rows;
}

let matrixSeq = 0;

async function actMatrix() {
  const rows = readGrid();
  if (!rows) { $("#matrix-status").textContent = "every cell needs a number"; return; }
  const seq = ++matrixSeq;
  $("#matrix-status").textContent = "acting…";
  try {
    const data = await api("POST", "/api/agent", { matrix: rows });
    if (seq !== matrixSeq) return;
    $("#matrix-status").textContent = "";
    $("#matrix-kinds").replaceChildren(...(data.kinds.length ? data.kinds : ["general"]).map((k) => el("span", { text: k })));
    $("#matrix-picture").src = data.picture;
    $("#matrix-picture").hidden = false;
    $("#matrix-says").textContent = data.describe.left;
    const stories = $("#matrix-stories");
    stories.replaceChildren();
    for (const story of data.stories) {
      const steps = el("ol");
      for (const step of story.steps) steps.append(el("li", { text: step }));
      stories.append(el("div", { class: "story" }, el("h3", { text: story.title }), el("p", { text: story.summary }), steps));
    }
  } catch (err) {
    if (seq === matrixSeq) $("#matrix-status").textContent = err.message;
  }
}

// ------------------------------------------------------------------ race

async function loadOptions() {
  const data = await api("GET", "/api/options");
  const box = $("#race-optimizers");
  box.replaceChildren();
  for (const name of data.optimizers) {
    const check = el("input", { type: "checkbox", value: name, checked: ["sgd", "momentum", "adam"].includes(name) });
    box.append(el("label", {}, check, document.createTextNode(name)));
  }
  $("#race-surface").replaceChildren(...data.surfaces.map((s) => el("option", { value: s, text: s })));
  $("#race-surface").value = "rosenbrock";
}

async function runRace() {
  const optimizers = $$("#race-optimizers input:checked").map((c) => c.value);
  if (!optimizers.length) { $("#race-status").textContent = "pick at least one optimizer"; return; }
  $("#race-status").textContent = "racing…";
  try {
    const data = await api("POST", "/api/agent", { race: { surface: $("#race-surface").value, optimizers } });
    $("#race-picture").src = data.picture;
    $("#race-picture").hidden = false;
    $("#race-says").textContent = data.says;
    $("#race-says").hidden = false;
    $("#race-status").textContent = `${data.runs.length} optimizers on ${data.surface}`;
  } catch (err) {
    $("#race-status").textContent = err.message;
  }
}

// ------------------------------------------------------------------ concepts

let allConcepts = [];

async function loadConcepts() {
  allConcepts = await api("GET", "/api/concepts");
  const families = [...new Set(allConcepts.map((c) => c.family))];
  $("#concept-family").append(...families.map((f) => el("option", { value: f, text: f })));
  listConcepts();
}

function listConcepts() {
  const words = $("#concept-search").value.toLowerCase().split(/\s+/).filter(Boolean);
  const family = $("#concept-family").value;
  const shown = allConcepts.filter((c) => (!family || c.family === family) &&
    words.every((w) => `${c.id} ${c.name} ${c.summary}`.toLowerCase().includes(w)));
  $("#concept-list").replaceChildren(...shown.map((c) => {
    const item = el("li", { "data-concept": c.id, tabIndex: 0 }, el("span", { text: c.name }), el("span", { class: "family", text: c.family }));
    item.addEventListener("click", () => showConcept(c.id));
    item.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); showConcept(c.id); } });
    return item;
  }));
}

async function showConcept(id) {
  try {
    const data = await api("GET", `/api/concepts/${encodeURIComponent(id)}`);
    $("#concept-graph").innerHTML = data.graph_svg;  // server-built SVG
    $("#concept-card").innerHTML = data.card_html;   // server-built, escaped card
    for (const item of $$("#concept-list li")) item.setAttribute("aria-selected", String(item.dataset.concept === id));
    for (const node of $$("#concept-graph .node")) {
      node.addEventListener("click", () => showConcept(node.getAttribute("data-concept")));
    }
    for (const link of $$("#concept-card a[href^='#c-']")) {
      link.addEventListener("click", (event) => { event.preventDefault(); showConcept(link.getAttribute("href").slice(3)); });
    }
  } catch (err) {
    $("#concept-card").textContent = err.message;
  }
}

// ------------------------------------------------------------------ wiring

document.addEventListener("DOMContentLoaded", () => {
  for (const button of $$("nav button")) button.addEventListener("click", () => showTab(button.dataset.tab));
  $("#formula").addEventListener("input", debounce(explainNow, 200));
  $("#explain-math").addEventListener("click", clickToFade);
  $("#fade-button").addEventListener("click", () => { const w = $("#fade-what").value.trim(); if (w) toggleFade(w); });
  $("#fade-what").addEventListener("keydown", (event) => { if (event.key === "Enter") $("#fade-button").click(); });
  $("#fade-clear").addEventListener("click", () => { faded = []; fadeNow(); });
  for (const button of $$(".example")) {
    button.addEventListener("click", () => { $("#formula").value = button.dataset.formula; explainNow(); });
  }
  $("#read-button").addEventListener("click", readNow);
  $("#document-file").addEventListener("change", loadFile);
  $("#document").addEventListener("input", () => { delete $("#document").dataset.filename; });
  $("#matrix-size").addEventListener("change", () => {
    const size = Number($("#matrix-size").value);
    buildGrid(size, Array.from({ length: size }, (_, r) => Array.from({ length: size }, (_, c) => (r === c ? 1 : 0))));
  });
  for (const button of $$(".preset")) {
    button.addEventListener("click", () => { const m = JSON.parse(button.dataset.matrix); buildGrid(m.length, m); });
  }
  $("#race-button").addEventListener("click", runRace);
  $("#concept-search").addEventListener("input", listConcepts);
  $("#concept-family").addEventListener("change", listConcepts);
  const hash = location.hash.replace("#", "");
  showTab(["explain", "read", "matrix", "race", "concepts"].includes(hash) ? hash : "explain");
});
