// The printable SKM report: a period and a unit, the index per element, the units, the
// respondents' profile and their suggestions; exports as PDF, XLSX and the raw answers as CSV.
"use strict";
const $ = (id) => document.getElementById(id);
const E = Antri.el;
const show = (id, on) => $(id).classList.toggle("hidden", !on);
const num = (v, d) => (v === null || v === undefined ? "–" : v.toFixed(d).replace(".", ","));
let questions = null;
let report = null;

async function start() {
  if (await Antri.resume()) return afterLogin();
  show("login", true);
}

$("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try { await Antri.login($("username").value, $("password").value); afterLogin(); }
  catch (e) { $("login-error").textContent = e.message; }
});
$("logout").addEventListener("click", () => Antri.logout());
$("print").addEventListener("click", () => window.print());
$("range").addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
$("unit").addEventListener("change", () => draw());

async function afterLogin() {
  show("login", false); show("logout", true); show("report", true);
  $("who").textContent = `${Antri.user.name} (${Antri.user.username})`;
  const s = await Antri.api("GET", "/api/v1/services");
  // The month so far, by default.
  $("from").value = `${s.building.day.slice(0, 8)}01`; $("to").value = s.building.day;
  questions = await Antri.api("GET", "/api/v1/skm/questions");
  await load();
}

async function load() {
  const q = `from=${$("from").value}&to=${$("to").value}&by=${$("by").value}`;
  for (const f of ["pdf", "xlsx", "csv"]) $(f).href = `/api/v1/skm/export?${q}&format=${f}`;
  $("error").textContent = "";
  try { report = await Antri.api("GET", `/api/v1/skm?${q}`); }
  catch (e) { $("error").textContent = e.message; return; }
  $("unit").replaceChildren(E("option", { value: "all" }, "Semua · All"),
    ...report.rows.map((r) => E("option", { value: r.key }, r.label)));
  draw();
}

function draw() {
  const pick = $("unit").value;
  const row = pick === "all" ? report.overall : report.rows.find((r) => r.key === pick) || report.overall;
  $("title").textContent = `Survei Kepuasan Masyarakat — ${report.building}${pick === "all" ? "" : ` — ${row.label}`}`;
  $("period").textContent = `Periode ${report.from} s.d. ${report.to}`;
  const i = row.index;
  $("summary").replaceChildren(
    E("div", { class: "kpi" }, E("b", { id: "ikm" }, i ? num(i.ikm_unit, 2) : "–"), "IKM unit (×25)"),
    E("div", { class: "kpi" }, E("b", { id: "grade" }, row.grade || "–"), row.grade_label ? `${row.grade_label} · ${row.grade_label_en}` : "Mutu · Grade"),
    E("div", { class: `kpi${row.sample_too_small ? " warn" : ""}` }, E("b", { id: "respondents" }, row.respondents),
      `responden dari ${row.population} dilayani; sampel minimum ${row.minimum_sample}${row.sample_too_small ? " — belum cukup · sample too small" : ""}`),
  );
  $("elements").tBodies[0].replaceChildren(...questions.elements.map((e, k) => {
    const nrr = i ? i.nrr[k] : null;
    const weak = i && i.weakest.includes(e.code);
    return E("tr", { class: weak ? "weak" : "" }, E("td", {}, `${e.code} ${e.name}`, E("span", { class: "en" }, e.name_en)),
      E("td", { class: "num" }, num(nrr, 3)), E("td", { class: "num" }, num(i ? i.weighted[k] : null, 3)),
      E("td", {}, i ? i.grades[k] : "–"));
  }), ...(i ? [E("tr", { class: "total" }, E("td", {}, "IKM"), E("td", { class: "num" }, num(i.ikm, 3)),
      E("td", { class: "num" }, `× 25 = ${num(i.ikm_unit, 2)}`), E("td", {}, `${row.grade} ${row.grade_label}`))] : []));
  $("units").tBodies[0].replaceChildren(...report.rows.map((r) => E("tr", {},
    E("td", {}, r.label), E("td", { class: "num" }, r.respondents), E("td", { class: "num" }, r.population),
    E("td", { class: `num${r.sample_too_small ? " warn" : ""}` }, `${r.minimum_sample}${r.sample_too_small ? " ⚠" : ""}`),
    E("td", { class: "num" }, r.index ? num(r.index.ikm_unit, 2) : "–"), E("td", {}, r.grade || "–"),
    E("td", {}, r.grade_label || "–"), E("td", {}, r.index ? r.index.weakest.join(", ") : "–"))));
  const parts = [["Jenis kelamin", "sex"], ["Usia", "age"], ["Pendidikan", "education"], ["Pekerjaan", "occupation"]];
  $("profile").replaceChildren(...parts.map(([title, key]) => E("div", {}, E("h4", {}, title),
    E("table", {}, E("tbody", {}, report.profile[key].map((c) => E("tr", {}, E("td", {}, c.label), E("td", { class: "num" }, c.respondents))))))));
  $("suggestions").replaceChildren(...(report.suggestions.length
    ? report.suggestions.map((s) => E("li", {}, E("small", {}, `${s.day} · ${s.service}`), E("br"), s.text))
    : [E("li", {}, "Belum ada saran · No suggestions yet")]));
}

start();
