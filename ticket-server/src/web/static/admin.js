// Admin page: the building's configuration, one section at a time, and the audit log.
// Each section is edited as a table (one row per agency, service, loket, user, device) and saved
// whole; the server checks it like the configuration file and answers with every problem by field
// path (`services[3].quota: …`), which marks the input it is about. Saved changes take effect at
// once, without a restart. All text goes into the page as text nodes or input values, never HTML.
"use strict";
const $ = (id) => document.getElementById(id);
const E = Antri.el;
const show = (id, on) => $(id).classList.toggle("hidden", !on);

const TZ = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"];
// Columns of each list section: key in the file's shape, label, and how it is typed.
const SECTIONS = {
  agencies: { title: "Instansi · Agencies", help: "id: huruf kecil/angka (dipakai layanan) · lowercase id used by services.",
    cols: [["id", "id", "mid"], ["name_id", "Nama (ID)", "wide"], ["name_en", "Name (EN)", "wide"]] },
  services: { title: "Layanan · Services",
    help: "prefix: 1–3 huruf kapital · quota: kosong = tanpa batas · target & durasi dalam menit · hours: jam buka sendiri (JSON, kosong = jam gedung), mis. {\"mon\":\"08:00-12:00\",\"breaks\":[]} · booking: reservasi online (JSON, kosong = tanpa reservasi), mis. {\"sessions\":[\"08:00-09:00\",\"09:00-10:00\"],\"seats_per_session\":6,\"days_ahead\":14,\"opens_at\":\"07:00\",\"checkin_before_minutes\":30,\"checkin_after_minutes\":15,\"late\":\"walk_in\"}",
    cols: [["id", "id", "mid"], ["agency", "Instansi · Agency", "mid"], ["prefix", "Prefix", "short"], ["name_id", "Nama (ID)", "wide"], ["name_en", "Name (EN)", "wide"],
           ["quota", "Kuota · Quota", "number"], ["target_wait_minutes", "Target tunggu (mnt)", "number"],
           ["service_minutes", "Durasi layan (mnt)", "number"], ["hours", "Jam · Hours", "json"],
           // Online booking (JSON, empty = walk-in only), e.g. {"sessions":["08:00-09:00"],"seats_per_session":6}.
           ["booking", "Reservasi · Booking", "json"],
           // What to bring, one document per line, separated by ";" (names may hold commas).
           ["bring_id", "Dibawa (ID, pisah ;)", "lines"], ["bring_en", "Bring (EN, split by ;)", "lines"],
           // The published cost, for the transparency page.
           ["cost_id", "Biaya (ID)", "mid"], ["cost_en", "Cost (EN)", "mid"]] },
  counters: { title: "Loket · Counters", help: "services: id layanan dipisah koma · service ids, comma-separated.",
    cols: [["number", "Nomor · Number", "number"], ["name", "Nama · Name", "wide"], ["services", "Layanan · Services", "list"]] },
  users: { title: "Pengguna · Users",
    help: "Kata sandi baru hanya diisi untuk mengganti (min. 8 karakter); kosong = tetap. Petugas perlu loket. · Fill password only to set a new one.",
    cols: [["username", "Username", "mid"], ["name", "Nama · Name", "wide"], ["role", "Peran · Role", ["officer", "supervisor", "admin"]],
           ["counters", "Loket (nomor, koma)", "numlist"], ["password", "Kata sandi baru · New password", "password"]] },
  devices: { title: "Perangkat · Devices",
    help: "kind: kiosk, display, atau rating (tablet penilaian; isi loket). Token baru hanya diisi untuk mengganti (min. 16 karakter); kosong = tetap, token tidak pernah ditampilkan. Tablet: buka /rate/<loket>#token=<token>. · Fill token only to set a new one; tokens are never shown.",
    cols: [["id", "id", "mid"], ["kind", "Jenis · Kind", ["kiosk", "display", "rating"]], ["name", "Nama · Name", "wide"],
           ["token", "Token baru · New token", "wide"], ["counter", "Loket (rating)", "number"]] },
};
const TABS = [["building", "Gedung · Building"], ["agencies", "Instansi"], ["services", "Layanan"], ["counters", "Loket"],
              ["users", "Pengguna"], ["devices", "Perangkat"], ["audit", "Log audit · Audit"]];

let doc = null;          // the configuration as last loaded
let current = "services";
let rows = [];           // for list sections: [{ inputs: {key: element} }]
let auditPage = 0;

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
  show("login", false); show("logout", true);
  $("who").textContent = `${Antri.user.name} (${Antri.user.username})`;
  if (Antri.user.role !== "admin") {
    $("login-error").textContent = "Halaman ini hanya untuk admin · Admins only";
    show("login", true);
    return;
  }
  show("admin", true);
  $("tabs").replaceChildren(...TABS.map(([id, label]) => E("button", { type: "button", id: `tab-${id}`, onclick: () => openTab(id) }, label)));
  await load();
  openTab(location.hash.slice(1) || "services");
}

async function load() {
  doc = (await Antri.api("GET", "/api/v1/admin/config")).document;
}

function openTab(id) {
  current = id;
  history.replaceState(null, "", `#${id}`);
  for (const [t] of TABS) $(`tab-${t}`).classList.toggle("on", t === id);
  show("audit", id === "audit"); show("editor", id !== "audit");
  $("errors").textContent = ""; $("saved").textContent = "";
  if (id === "audit") return audit();
  if (id === "building") return building();
  const s = SECTIONS[id];
  $("section-title").textContent = s.title;
  $("section-help").textContent = s.help;
  show("add-row", true);
  rows = [];
  const body = E("tbody", { id: "rows" });
  $("section-body").replaceChildren(E("div", { class: "grid-scroll" },
    E("table", { class: "edit", id: `table-${id}` }, E("thead", {}, E("tr", {}, ...s.cols.map((c) => E("th", {}, c[1])), E("th", {}))), body)));
  for (const item of doc[id] || []) addRow(item);
}

function fieldInput(col, value) {
  const [key, label, type] = col;
  let input;
  if (Array.isArray(type)) {
    input = E("select", {}, ...type.map((o) => E("option", { value: o }, o)));
    input.value = value || type[0];
  } else {
    input = E("input", { "aria-label": label, class: ["wide", "mid", "short", "json"].includes(type) ? type : type === "lines" ? "wide" : "" });
    if (type === "number") input.type = "number";
    if (type === "password") { input.type = "password"; input.autocomplete = "new-password"; }
    if (value === undefined || value === null) input.value = "";
    else if (type === "list" || type === "numlist") input.value = value.join(", ");
    else if (type === "lines") input.value = value.join("; ");
    else if (type === "json") input.value = JSON.stringify(value);
    else input.value = value;
  }
  input.dataset.key = key;
  return input;
}

function addRow(item) {
  const s = SECTIONS[current];
  const inputs = {};
  const tr = E("tr", {}, ...s.cols.map((c) => { inputs[c[0]] = fieldInput(c, item[c[0]]); return E("td", {}, inputs[c[0]]); }));
  const row = { inputs, tr };
  tr.append(E("td", {}, E("button", { type: "button", class: "danger", title: "Hapus · Remove",
    onclick: () => { rows = rows.filter((r) => r !== row); tr.remove(); } }, "✕")));
  rows.push(row);
  $("rows").append(tr);
}
$("add-row").addEventListener("click", () => addRow({}));

// Read a row back into the file's shape; `where` names the field when the text is not valid.
function readRow(row, index) {
  const out = {};
  for (const [key, label, type] of SECTIONS[current].cols) {
    const v = row.inputs[key].value.trim();
    const where = `${current}[${index}].${key}`;
    if (v === "") continue;                   // optional fields left empty are left out
    if (type === "number") {
      if (!/^\d+$/.test(v)) throw { where, message: `${where}: "${v}" is not a whole number` };
      out[key] = Number(v);
    } else if (type === "list") out[key] = v.split(",").map((x) => x.trim()).filter(Boolean);
    else if (type === "lines") out[key] = v.split(";").map((x) => x.trim()).filter(Boolean);
    else if (type === "numlist") {
      const parts = v.split(",").map((x) => x.trim()).filter(Boolean);
      if (parts.some((p) => !/^\d+$/.test(p))) throw { where, message: `${where}: "${v}" is not a list of loket numbers` };
      out[key] = parts.map(Number);
    } else if (type === "json") {
      try { out[key] = JSON.parse(v); } catch (e) { throw { where, message: `${where}: not valid JSON (${e.message})` }; }
    } else out[key] = v;
  }
  for (const [key, label, type] of SECTIONS[current].cols) if (type === "list" || type === "numlist") out[key] = out[key] || [];
  return out;
}

function building() {
  $("section-title").textContent = "Gedung · Building";
  $("section-help").textContent = "Zona waktu: WIB Asia/Jakarta, WITA Asia/Makassar, WIT Asia/Jayapura. Jam buka & istirahat gedung dalam JSON " +
    "(mis. {\"mon\":\"08:00-15:00\",\"fri\":\"08:00-15:30\",\"breaks\":[{\"days\":[\"fri\"],\"from\":\"11:30\",\"to\":\"13:00\",\"name_id\":\"Istirahat salat Jumat\",\"name_en\":\"Friday prayer break\"}]}).";
  show("add-row", false);
  const b = doc.building, q = doc.queue || {};
  const tz = E("select", { id: "f-timezone" }, ...TZ.map((z) => E("option", { value: z }, z))); tz.value = b.timezone;
  const prio = E("select", { id: "f-priority" }, E("option", { value: "first" }, "first"), E("option", { value: "ratio" }, "ratio"));
  prio.value = q.priority || "first";
  const field = (id, label, el) => [E("label", { for: id }, label), el];
  const noChoosing = E("input", { id: "f-no-choosing", type: "checkbox" }); noChoosing.checked = !!q.no_choosing;
  const hours = E("textarea", { id: "f-hours", "aria-label": "hours" }); hours.value = JSON.stringify(doc.hours || {}, null, 1);
  // The building's booking rules: bookings per NIK, walk-in share, retention days, closed dates.
  const bookingRules = E("textarea", { id: "f-booking", "aria-label": "booking" });
  bookingRules.value = doc.booking ? JSON.stringify(doc.booking, null, 1) : "";
  // The messages' gateway (empty = no messages); its secret is never sent here: leave it out to
  // keep it, or give a new one.
  const messages = E("textarea", { id: "f-messages", "aria-label": "messages" });
  messages.value = doc.messages ? JSON.stringify(doc.messages, null, 1) : "";
  // When the supervisor is alerted: pause limit, device silence, quota share (empty = defaults).
  const alerts = E("textarea", { id: "f-alerts", "aria-label": "alerts" });
  alerts.value = doc.alerts ? JSON.stringify(doc.alerts, null, 1) : "";
  const input = (id, v, type) => { const i = E("input", { id }); if (type) i.type = type; i.value = v === undefined ? "" : v; return i; };
  $("section-body").replaceChildren(E("div", { class: "fields" },
    ...field("f-name", "Nama gedung · Name", input("f-name", b.name)),
    ...field("f-timezone", "Zona waktu · Time zone", tz),
    ...field("f-public-url", "Alamat publik · Public URL (QR)", input("f-public-url", b.public_url)),
    ...field("f-priority", "Prioritas · Priority policy", prio),
    ...field("f-ratio", "Reguler per prioritas (ratio)", input("f-ratio", q.regular_per_priority, "number")),
    ...field("f-digits", "Digit nomor · Number digits", input("f-digits", q.number_digits, "number")),
    ...field("f-no-choosing", "Tanpa memilih · No choosing (petugas hanya panggil berikutnya · officers call next only)", noChoosing),
    ...field("f-hours", "Jam buka & istirahat · Hours & breaks", hours),
    ...field("f-booking", "Reservasi online · Online booking (JSON)", bookingRules),
    ...field("f-messages", "Pesan SMS/WhatsApp · Messages gateway (JSON; secret kosong = tetap · empty keeps it)", messages),
    ...field("f-alerts", "Peringatan supervisor · Alerts (JSON, mis. {\"pause_limit_minutes\":30,\"device_silent_seconds\":120,\"quota_low_percent\":10})", alerts)));
}

function readBuilding() {
  let hours;
  try { hours = JSON.parse($("f-hours").value); } catch (e) { throw { where: "hours", message: `hours: not valid JSON (${e.message})` }; }
  let booking = null;
  const rules = $("f-booking").value.trim();
  if (rules) {
    try { booking = JSON.parse(rules); } catch (e) { throw { where: "booking", message: `booking: not valid JSON (${e.message})` }; }
  }
  let messages = null;
  const gateway = $("f-messages").value.trim();
  if (gateway) {
    try { messages = JSON.parse(gateway); } catch (e) { throw { where: "messages", message: `messages: not valid JSON (${e.message})` }; }
  }
  let alerts = null;
  const limits = $("f-alerts").value.trim();
  if (limits) {
    try { alerts = JSON.parse(limits); } catch (e) { throw { where: "alerts", message: `alerts: not valid JSON (${e.message})` }; }
  }
  return {
    building: { name: $("f-name").value.trim(), timezone: $("f-timezone").value, public_url: $("f-public-url").value.trim() },
    queue: { priority: $("f-priority").value, regular_per_priority: Number($("f-ratio").value || 2), number_digits: Number($("f-digits").value || 3),
      no_choosing: $("f-no-choosing").checked },
    hours,
    booking,
    messages,
    alerts,
  };
}

// Mark the inputs that the server's messages name (`services[3].quota: …`).
function markProblems(text) {
  for (const el of document.querySelectorAll(".bad")) el.classList.remove("bad");
  const re = new RegExp(`${current}\\[(\\d+)\\]\\.(\\w+)`, "g");
  let m;
  while ((m = re.exec(text))) {
    const row = rows[Number(m[1])];
    if (row && row.inputs[m[2]]) row.inputs[m[2]].classList.add("bad");
  }
}

$("save").addEventListener("click", async () => {
  $("errors").textContent = ""; $("saved").textContent = "";
  let body;
  try {
    body = current === "building" ? readBuilding() : rows.map(readRow);
  } catch (e) { $("errors").textContent = e.message; markProblems(e.message); return; }
  try {
    const r = await Antri.api("PUT", `/api/v1/admin/config/${current}`, body);
    $("saved").textContent = `Tersimpan, berlaku sekarang · Saved, in effect now (versi ${r.version}): ${r.summary}`;
    await load();
    const keep = $("saved").textContent;
    openTab(current);
    $("saved").textContent = keep;
  } catch (e) { $("errors").textContent = e.message; markProblems(e.message); }
});
$("reload").addEventListener("click", async () => { await load(); openTab(current); });

// "2026-11-24 09.05.12": the building's local time (as the server sends it) with the dot between
// hours, minutes and seconds that the kiosk, the ticket and the displays use ("09.05 WIB").
function auditTime(iso) { return `${iso.slice(0, 10)} ${iso.slice(11, 19).replaceAll(":", ".")}`; }

async function audit() {
  const kinds = $("audit-kind");
  const q = new URLSearchParams({ page: auditPage, per_page: 25 });
  for (const [k, id] of [["from", "audit-from"], ["to", "audit-to"], ["actor", "audit-actor"], ["kind", "audit-kind"]])
    if ($(id).value) q.set(k, $(id).value.trim());
  const r = await Antri.api("GET", `/api/v1/admin/audit?${q}`);
  if (kinds.options.length === 1) kinds.append(...r.kinds.map((k) => E("option", { value: k }, k)));
  $("audit-rows").replaceChildren(...r.rows.map((e) => E("tr", { "data-kind": e.kind },
    E("td", { class: "num" }, e.seq), E("td", {}, auditTime(e.at)),
    E("td", {}, `${e.actor} (${e.actor_kind})`), E("td", {}, e.kind), E("td", { class: "what" }, e.what))));
  const pages = Math.max(1, Math.ceil(r.total / r.per_page));
  $("page-info").textContent = `Halaman ${r.page + 1} / ${pages} · ${r.total} kejadian · events`;
  $("prev").disabled = r.page === 0;
  $("next").disabled = r.page + 1 >= pages;
}
$("audit-filters").addEventListener("submit", (ev) => { ev.preventDefault(); auditPage = 0; audit().catch((e) => alert(e.message)); });
$("prev").addEventListener("click", () => { auditPage = Math.max(0, auditPage - 1); audit(); });
$("next").addEventListener("click", () => { auditPage += 1; audit(); });

start();
