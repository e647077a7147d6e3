// The public transparency page (/transparansi): for a phone or the hall's TV. Reads
// /api/v1/public/hall every 30 s; a file, not inline, for the Content-Security-Policy.
"use strict";
const $ = (id) => document.getElementById(id);
function el(tag, cls, ...kids) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  e.append(...kids.filter((k) => k !== null && k !== undefined));
  return e;
}
const en = (text) => el("span", "en", text);
const minutes = (secs) => (secs === null || secs === undefined ? "—" : `${Math.round(secs / 60)} mnt`);

function serviceRow(s) {
  const over = s.wait_median_secs !== null && s.wait_median_secs > s.target_wait_secs;
  const median = el("td", over ? "num over" : "num",
    `${minutes(s.wait_median_secs)} / ${minutes(s.target_wait_secs)}`,
    s.within_target === null ? null : en(`${Math.round(s.within_target * 100)}% dalam target · within target`));
  // Each cell names itself for the phone layout, where the header row is hidden.
  const cell = (label, td) => { td.dataset.label = label; return td; };
  return el("tr", null,
    el("th", null, el("b", "prefix", s.prefix), ` ${s.name.id}`, en(s.name.en)),
    cell("Menunggu · Waiting", el("td", "num big", String(s.waiting))),
    cell("Perkiraan tunggu · Estimated wait", el("td", "num", s.estimated_wait.id, en(s.estimated_wait.en))),
    cell("Dilayani · Served", el("td", "num", String(s.served_today))),
    cell("Tunggu median / target · Median wait / target", median));
}

function agencyCard(a) {
  if (!a.skm) return el("div", "agency none", el("b", null, a.name.id), en("Belum ada survei bulan lalu · No survey last month"));
  const k = a.skm;
  return el("div", `agency grade-${k.grade}`,
    el("b", null, a.name.id),
    el("div", "grade", k.grade),
    el("div", null, `${k.label.id} · IKM ${k.ikm_unit.toFixed(2).replace(".", ",")}`),
    en(`${k.label.en}; ${k.respondents} responden · respondents`),
    k.sample_too_small ? el("div", "warn", "Sampel belum memenuhi · Sample below the minimum") : null);
}

function standard(s) {
  const bring = s.standard.bring.length
    ? el("ul", null, ...s.standard.bring.map((b) => el("li", null, b.id, en(b.en))))
    : el("p", null, "—");
  const cost = s.standard.cost ? el("span", null, s.standard.cost.id, en(s.standard.cost.en)) : "—";
  return el("details", "standard",
    el("summary", null, `${s.prefix} · ${s.name.id}`),
    el("dl", null,
      el("dt", null, "Persyaratan ", en("Requirements")), el("dd", null, bring),
      el("dt", null, "Waktu ", en("Time")), el("dd", null,
        `target tunggu ${minutes(s.target_wait_secs)}, layanan ± ${s.standard.service_minutes} mnt`,
        en(`wait target ${Math.round(s.target_wait_secs / 60)} min, service about ${s.standard.service_minutes} min`)),
      el("dt", null, "Biaya ", en("Cost")), el("dd", null, cost)));
}

async function refresh() {
  try {
    const r = await fetch("/api/v1/public/hall", { cache: "no-store" });
    const h = await r.json();
    $("building").textContent = h.building;
    $("now").textContent = `${h.now.slice(11, 16).replace(":", ".")}`;
    $("services").replaceChildren(...h.services.map(serviceRow));
    $("agencies").replaceChildren(...h.agencies.map(agencyCard));
    // Built once: the standards do not change by the minute, and an open <details> stays open.
    if (!$("standards").childElementCount) $("standards").replaceChildren(...h.services.map(standard));
  } catch (e) { /* the next refresh tries again */ }
}
refresh();
setInterval(refresh, 30000);
