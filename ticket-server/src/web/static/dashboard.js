// Supervisor dashboard: the hall now (live) and history for a date range, with exports.
"use strict";
const $ = (id) => document.getElementById(id);
const E = Antri.el;
const show = (id, on) => $(id).classList.toggle("hidden", !on);
const mins = (s) => (s === null || s === undefined ? "—" : Antri.minutes(s));

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

async function afterLogin() {
  show("login", false); show("logout", true); show("board", true);
  $("who").textContent = `${Antri.user.name} (${Antri.user.username})`;
  const s = await Antri.api("GET", "/api/v1/services");
  Antri.syncClock(s.building.now);
  showWarnings(s.warnings || []);
  $("from").value = s.building.day; $("to").value = s.building.day;
  await refreshNow();
  Antri.live(refreshNow);
  await history();
  await messages();
  // The gateway's retries happen in the background: the log is read again every 15 s.
  setInterval(() => messages().catch(() => {}), 15000);
  await officerPerformance();
}

// The delivery log of visitors' SMS/WhatsApp messages (numbers masked by the server).
const MESSAGE_KINDS = { booking_confirmed: "Reservasi dikonfirmasi", reminder: "Pengingat", turn_near: "Giliran hampir tiba",
  called: "Dipanggil", no_show: "Tidak hadir" };
const MESSAGE_STATES = { pending: ["Menunggu", "tag paused"], delivered: ["Terkirim", "tag ok"], failed: ["Gagal", "tag fault"],
  cancelled: ["Dibatalkan", "tag"] };
async function messages() {
  const log = await Antri.api("GET", "/api/v1/messages");
  $("messages-state").textContent = log.enabled
    ? `Menunggu ${log.pending} · terkirim ${log.delivered} · gagal ${log.failed} (pending · delivered · failed)`
    : "Gateway SMS/WhatsApp belum diatur (admin: bagian Gedung → messages). · No messages gateway is configured.";
  $("message-rows").replaceChildren(...log.rows.map((r) => {
    const [words, cls] = MESSAGE_STATES[r.status] || [r.status, "tag"];
    return E("tr", { "data-id": r.id }, E("td", {}, r.created_at.slice(11, 16).replace(":", ".")),
      E("td", {}, MESSAGE_KINDS[r.kind] || r.kind),
      E("td", {}, r.ticket || (r.booking ? `Reservasi #${r.booking}` : "—")), E("td", {}, r.phone_masked || "—"),
      E("td", {}, E("span", { class: cls }, words)), E("td", { class: "num" }, r.attempts), E("td", {}, r.last_error || "—"));
  }));
}

// What the server says a technician must fix (e.g. a public_url no phone can open), as a banner.
function showWarnings(list) {
  $("warnings").replaceChildren(...list.map((w) => {
    const p = document.createElement("p");
    const en = document.createElement("span");
    en.className = "en";
    en.textContent = ` · ${w.en}`;
    p.append(`⚠ ${w.id}`, en);
    return p;
  }));
  show("warnings", list.length > 0);
}

function availabilityWords(a) {
  return { open: "Buka", not_yet_open: "Belum buka", on_break: "Istirahat", closed: "Tutup", quota_reached: "Kuota habis" }[a.state] || a.state;
}

async function refreshNow() {
  AntriAlerts.refresh();
  const h = await Antri.api("GET", "/api/v1/dashboard/now");
  const waiting = h.services.reduce((a, s) => a + s.waiting, 0);
  const longest = h.services.reduce((a, s) => Math.max(a, s.longest_wait_secs), 0);
  const open = h.counters.filter((c) => c.state.state === "open").length;
  const paused = h.counters.filter((c) => c.state.state === "paused").length;
  const faults = h.devices.filter((d) => d.report && !["ok", "paper_near_end"].includes(d.report.printer));
  $("kpis").replaceChildren(
    E("div", { class: "kpi" }, E("b", { id: "kpi-waiting" }, waiting), "menunggu · waiting"),
    E("div", { class: "kpi" }, E("b", {}, mins(longest)), "tunggu terlama · longest wait"),
    E("div", { class: "kpi" }, E("b", {}, `${open} / ${h.counters.length}`), "loket buka · counters open"),
    E("div", { class: "kpi" }, E("b", {}, paused), "loket jeda · paused"),
    E("div", { class: "kpi" }, E("b", { class: faults.length ? "over" : "" }, faults.length), "gangguan perangkat · device faults"));
  $("services").replaceChildren(...h.services.filter((s) => s.waiting || s.availability.state !== "closed").map((s) =>
    E("tr", {}, E("td", {}, `${s.prefix} · ${s.name}`), E("td", { class: "num" }, s.waiting),
      E("td", { class: "num" + (s.longest_wait_secs > s.target_wait_secs ? " over" : "") }, mins(s.longest_wait_secs)),
      E("td", {}, availabilityWords(s.availability)))));
  $("counters").replaceChildren(...h.counters.map((c) => {
    const st = c.state.state === "paused"
      ? E("span", { class: "tag paused" }, `Jeda: ${c.state.reason} · ${Antri.minutes(Antri.since(c.state.since))}`)
      : E("span", { class: c.state.state === "open" ? "tag ok" : "tag" }, c.state.state === "open" ? "Buka" : "Tutup");
    return E("tr", {}, E("td", {}, c.name), E("td", {}, st), E("td", {}, c.current ? c.current.number : "—"), E("td", {}, c.officer || "—"));
  }));
  $("devices").replaceChildren(...h.devices.map((d) => {
    const r = d.report ? d.report.printer : null;
    const cls = !r ? "tag" : r === "ok" ? "tag ok" : r === "paper_near_end" ? "tag paused" : "tag fault";
    return E("tr", {}, E("td", {}, d.name), E("td", {}, E("span", { class: cls }, r ? r.replace(/_/g, " ") : d.kind)));
  }));
}

function pct(v) { return v === null || v === undefined ? "—" : `${Math.round(v * 100)}%`; }

function bars(svg, items, color) {
  const w = svg.clientWidth || 500, h = 260, pad = 28;
  const max = Math.max(1, ...items.map((i) => i.value));
  const bw = Math.min(64, (w - pad) / Math.max(1, items.length));
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  items.forEach((it, i) => {
    const bh = (h - 2 * pad) * it.value / max;
    const r = document.createElementNS(ns, "rect");
    r.setAttribute("x", pad + i * bw + 2); r.setAttribute("y", h - pad - bh);
    r.setAttribute("width", Math.max(1, bw - 4)); r.setAttribute("height", bh); r.setAttribute("fill", color);
    const t = document.createElementNS(ns, "title"); t.textContent = `${it.label}: ${it.value}`; r.append(t);
    const l = document.createElementNS(ns, "text");
    l.setAttribute("x", pad + i * bw + bw / 2); l.setAttribute("y", h - 8); l.setAttribute("text-anchor", "middle");
    l.textContent = it.label;
    const v = document.createElementNS(ns, "text");
    v.setAttribute("x", pad + i * bw + bw / 2); v.setAttribute("y", h - pad - bh - 4); v.setAttribute("text-anchor", "middle");
    v.textContent = it.value;
    svg.append(r, l, v);
  });
}

async function history() {
  const q = `from=${$("from").value}&to=${$("to").value}&by=${$("by").value}`;
  $("csv").href = `/api/v1/stats/export?${q}&format=csv`;
  $("xlsx").href = `/api/v1/stats/export?${q}&format=xlsx`;
  const range = `from=${$("from").value}&to=${$("to").value}`;
  $("booking-csv").href = `/api/v1/stats/bookings?${range}&format=csv`;
  $("booking-xlsx").href = `/api/v1/stats/bookings?${range}&format=xlsx`;
  const [stats, hours, sat, booked] = await Promise.all([Antri.api("GET", `/api/v1/stats?${q}`), Antri.api("GET", `/api/v1/stats/hourly?${q}`),
    Antri.api("GET", `/api/v1/satisfaction?${q}`), Antri.api("GET", `/api/v1/stats/bookings?${range}`)]);
  $("booking-rows").replaceChildren(...booked.sessions.map((r) => E("tr", {},
    E("td", {}, r.service.name.id), E("td", {}, r.time), E("td", { class: "num" }, r.made), E("td", { class: "num" }, r.checked_in),
    E("td", { class: "num" }, r.no_show), E("td", { class: "num" }, r.cancelled), E("td", { class: "num" }, r.active))));
  $("booking-waits").replaceChildren(...booked.waits.map((w) => E("tr", {},
    E("td", {}, w.service.name.id), E("td", { class: "num" }, w.booked_called), E("td", { class: "num" }, mins(w.booked_wait_median_secs)),
    E("td", { class: "num" }, w.walk_in_called), E("td", { class: "num" }, mins(w.walk_in_wait_median_secs)))));
  const ikm = (v) => (v === null || v === undefined ? "—" : v.toFixed(2));
  $("ikm-all").textContent = ikm(sat.overall.ikm);
  $("ikm-all-words").textContent = sat.overall.grade ? `IKM · mutu ${sat.overall.grade} (${sat.overall.grade_words})` : "IKM";
  $("ikm-count").textContent = sat.overall.ratings;
  $("satisfaction-rows").replaceChildren(...sat.rows.map((r) => E("tr", { "data-key": r.key },
    E("td", {}, r.label), E("td", { class: "num" }, r.ratings), ...r.by_score.map((n) => E("td", { class: "num" }, n)),
    E("td", { class: "num ikm" }, ikm(r.ikm)), E("td", { class: "grade" }, r.grade ? `${r.grade} · ${r.grade_words}` : "—"))));
  $("history-rows").replaceChildren(...stats.rows.map((r) => E("tr", { "data-key": r.key },
    E("td", {}, r.label), E("td", { class: "num" }, r.issued), E("td", { class: "num" }, r.served), E("td", { class: "num" }, r.no_shows),
    E("td", { class: "num" }, mins(r.wait_median_secs)), E("td", { class: "num" }, mins(r.wait_p90_secs)),
    E("td", { class: "num" }, mins(r.service_median_secs)), E("td", { class: "num" }, mins(r.service_p90_secs)),
    E("td", { class: "num" }, pct(r.within_target)))));
  bars($("wait-chart"), stats.rows.filter((r) => r.wait_median_secs !== null).slice(0, 16)
    .map((r) => ({ label: r.key.toUpperCase().slice(0, 6), value: Math.round(r.wait_median_secs / 60) })), "#13315c");
  // Every hour of a working day, so a quiet hour shows as a gap rather than disappearing.
  const byHour = new Map(hours.map((h) => [h.hour, h.issued]));
  const first = Math.min(7, ...hours.map((h) => h.hour)), last = Math.max(16, ...hours.map((h) => h.hour));
  const all = [];
  for (let h = first; h <= last; h++) all.push({ label: String(h).padStart(2, "0"), value: byHour.get(h) || 0 });
  bars($("hour-chart"), all, "#e0a800");
}
$("range").addEventListener("submit", (ev) => { ev.preventDefault(); history().catch((e) => alert(e.message)); });

// Officer performance for the same dates: each officer's totals ("Semua · All"), then their days.
async function officerPerformance() {
  const range = `from=${$("from").value}&to=${$("to").value}`;
  $("officers-csv").href = `/api/v1/stats/officers?${range}&format=csv`;
  $("officers-xlsx").href = `/api/v1/stats/officers?${range}&format=xlsx`;
  const p = await Antri.api("GET", `/api/v1/stats/officers?${range}`);
  const row = (r) => E("tr", { "data-officer": r.officer, "data-day": r.day || "all", class: r.day ? "" : "total" },
    E("td", {}, r.day ? "" : `${r.name} (${r.officer})`), E("td", {}, r.day || "Semua · All"),
    E("td", { class: "num served" }, r.served), E("td", { class: "num" }, mins(r.service_median_secs)),
    E("td", { class: "num" }, mins(r.walk_median_secs)), E("td", { class: "num idle" }, mins(r.idle_secs)),
    E("td", { class: "num" }, mins(r.open_secs)), E("td", { class: "num" }, r.recalls),
    E("td", { class: "num" }, r.no_shows), E("td", { class: "num" }, r.transfers));
  $("officer-rows").replaceChildren(...p.totals.flatMap((t) =>
    [row(t), ...(p.from === p.to ? [] : p.days.filter((d) => d.officer === t.officer).map(row))]));
}
$("range").addEventListener("submit", () => { officerPerformance().catch((e) => alert(e.message)); });

start();
