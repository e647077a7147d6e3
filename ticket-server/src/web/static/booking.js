// The public booking page (/booking): agency → service → date → session → NIK, then the code, its QR and
// an .ics; the same page opens, cancels and reschedules a booking by its code. A file, so the CSP allows no
// inline script. No login: the code is the visitor's only key, kept in the page, never in the URL's query.
"use strict";
const el = (id) => document.getElementById(id);
const state = { agencies: [], service: null, date: null, session: null, days: [], booking: null, rescheduling: false };
const DAYS_ID = ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"];
const DAYS_EN = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function both(id, en) {
  const f = document.createDocumentFragment();
  f.append(id);
  const s = document.createElement("span");
  s.className = "en";
  s.textContent = en;
  f.append(" ", s);
  return f;
}
function choice(group, value, content, opts = {}) {
  const label = document.createElement("label");
  const input = document.createElement("input");
  input.type = "radio";
  input.name = group;
  input.value = value;
  input.disabled = !!opts.disabled;
  if (opts.disabled) label.className = "full";
  label.append(input, content);
  if (opts.extra) {
    const x = document.createElement("span");
    x.className = "seats";
    x.append(opts.extra);
    label.append(x);
  }
  return label;
}
function dateWords(iso) {
  const d = new Date(`${iso}T00:00:00`);
  const [y, m, day] = iso.split("-");
  return both(`${DAYS_ID[d.getDay()]}, ${day}/${m}/${y}`, DAYS_EN[d.getDay()]);
}
async function api(method, path, body) {
  const r = await fetch(path, {
    method, cache: "no-store",
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await r.json().catch(() => null);
  if (!r.ok) {
    const e = new Error(data && data.error ? data.error.message : `Error ${r.status}`);
    e.code = data && data.error ? data.error.code : String(r.status);
    throw e;
  }
  return data;
}
// The visitor's words for the server's refusals; the server's own message otherwise.
const REFUSED = {
  full: ["Sesi ini sudah penuh. Pilih sesi lain.", "This session is full. Choose another."],
  same_day: ["NIK ini sudah punya reservasi untuk layanan ini di tanggal itu.", "This NIK already has a booking for this service on that date."],
  too_many: ["NIK ini sudah mencapai batas reservasi aktif.", "This NIK has reached its limit of active bookings."],
  rate_limited: ["Terlalu banyak percobaan dari perangkat ini. Coba lagi sebentar lagi.", "Too many attempts from this device. Try again shortly."],
  not_yet: ["Reservasi untuk tanggal ini belum dibuka.", "Booking for this date has not opened yet."],
  unknown_booking: ["Kode reservasi tidak ditemukan.", "No booking has this code."],
  booking_not_active: ["Reservasi ini sudah dipakai, dibatalkan, atau terlewat.", "This booking was used, cancelled or missed."],
  session_over: ["Sesi ini sudah dimulai. Pilih sesi berikutnya.", "This session has started. Choose a later one."],
  closed_date: ["Tanggal ini tutup untuk reservasi.", "This date is closed for booking."],
  nik_length: ["NIK terdiri dari 16 angka.", "A NIK has 16 digits."],
  nik_digits: ["NIK hanya berisi angka.", "A NIK has digits only."],
  nik_province: ["Dua angka pertama NIK bukan kode provinsi. Periksa kembali KTP Anda.", "The first two digits are no province code. Check your KTP."],
  nik_region: ["Kode kabupaten/kota atau kecamatan pada NIK tidak boleh 00.", "The regency or district digits cannot be 00."],
  nik_birth_date: ["Angka ke-7 sampai ke-12 NIK bukan tanggal lahir yang benar. Periksa kembali KTP Anda.", "Digits 7–12 are not a real date of birth. Check your KTP."],
  nik_serial: ["Empat angka terakhir NIK tidak boleh 0000.", "The last four digits cannot be 0000."],
  invalid_phone: ["Nomor HP: 8–15 angka, boleh diawali +.", "Phone: 8–15 digits, may start with +."],
};
function showError(where, e) {
  const box = el(where);
  box.replaceChildren();
  const words = REFUSED[e.code];
  box.append(words ? both(words[0], words[1]) : both(e.message, ""));
}

async function loadAgencies() {
  const data = await api("GET", "/api/v1/booking");
  state.agencies = data.agencies;
  el("retention").textContent = data.retention_days;
  el("retention-en").textContent = data.retention_days;
  const box = el("agencies");
  box.replaceChildren(...data.agencies.map((a) => choice("agency", a.id, both(a.name.id, a.name.en))));
  if (!data.agencies.length) box.append(both("Belum ada layanan yang bisa dipesan.", "No service takes bookings yet."));
}
function pickAgency(id) {
  const agency = state.agencies.find((a) => a.id === id);
  el("services").replaceChildren(...agency.services.map((s) => choice("service", s.id, both(s.name.id, s.name.en))));
  el("step-service").disabled = false;
  for (const s of ["step-date", "step-session", "step-person"]) el(s).disabled = true;
  state.service = null;
  update();
}
async function pickService(id) {
  state.service = id;
  const data = await api("GET", `/api/v1/booking/services/${encodeURIComponent(id)}/days`);
  state.days = data.days;
  el("dates").replaceChildren(...data.days.map((d) => choice("date", d.date, dateWords(d.date), {
    disabled: !d.sessions.some((s) => s.state === "open"),
    extra: d.sessions.some((s) => s.state === "open") ? "" : both("penuh/tutup", "full/closed"),
  })));
  el("step-date").disabled = false;
  el("step-session").disabled = true;
  state.date = null;
  update();
}
function pickDate(date) {
  state.date = date;
  const day = state.days.find((d) => d.date === date);
  el("sessions").replaceChildren(...day.sessions.map((s) => choice("session", String(s.index), `${s.from}–${s.to}`, {
    disabled: s.state !== "open",
    extra: s.state === "open" ? both(`${s.seats_left} kursi`, `${s.seats_left} seats left`)
      : s.state === "not_yet" ? both(`dibuka ${s.opens_at.replace("T", " ")}`, "opens then")
      : both("penuh", "full"),
  })));
  el("step-session").disabled = false;
  state.session = null;
  update();
}
function update() {
  el("step-person").disabled = state.session === null || state.rescheduling;
  el("submit").disabled = state.session === null;
}

function showBooking(b) {
  state.booking = b;
  el("done").hidden = false;
  // Grouped as the kiosk's keypad shows it: ABCD-EFGH.
  el("code").textContent = `${b.code.slice(0, 4)}-${b.code.slice(4)}`;
  el("qr").src = `/api/v1/bookings/${encodeURIComponent(b.code)}/qr.svg`;
  el("ics").href = `/api/v1/bookings/${encodeURIComponent(b.code)}/calendar.ics`;
  const facts = el("facts");
  facts.replaceChildren();
  const row = (id, en, value) => {
    const dt = document.createElement("dt");
    dt.append(both(id, en));
    const dd = document.createElement("dd");
    dd.append(value);
    facts.append(dt, dd);
  };
  row("Status", "Status", both(...{
    active: ["Aktif", "Active"], checked_in: ["Sudah check-in", "Checked in"],
    cancelled: ["Dibatalkan", "Cancelled"], no_show: ["Tidak datang", "Did not come"],
  }[b.status]));
  row("Layanan", "Service", both(`${b.agency.name.id} · ${b.service.name.id}`, b.service.name.en));
  const when = dateWords(b.date);
  when.prepend(`${b.from}–${b.to}, `);
  row("Jadwal", "When", when);
  row("Check-in di kios", "Check in at the kiosk", `${b.checkin_from}–${b.checkin_until}`);
  row("NIK", "NIK", b.nik_masked);
  // What to bring, as the agency publishes it; a KTP always (the booking is for its NIK).
  const bring = document.createElement("ul");
  bring.className = "bring";
  const items = b.bring && b.bring.length ? b.bring : [{ id: "KTP-el asli", en: "Original e-KTP" }];
  bring.append(...items.map((t) => { const li = document.createElement("li"); li.append(both(t.id, t.en)); return li; }));
  row("Yang dibawa", "What to bring", bring);
  const active = b.status === "active";
  el("cancel").disabled = !active;
  el("reschedule").disabled = !active;
  el("done").scrollIntoView();
}

el("book").addEventListener("change", (ev) => {
  const t = ev.target;
  if (t.name === "agency") pickAgency(t.value);
  else if (t.name === "service") pickService(t.value).catch((e) => showError("book-error", e));
  else if (t.name === "date") pickDate(t.value);
  else if (t.name === "session") { state.session = Number(t.value); update(); }
});
el("book").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  el("book-error").replaceChildren();
  el("nik-error").replaceChildren();
  try {
    let b;
    if (state.rescheduling) {
      b = await api("POST", `/api/v1/bookings/${encodeURIComponent(state.booking.code)}/reschedule`,
        { date: state.date, session: state.session });
      state.rescheduling = false;
    } else {
      b = await api("POST", "/api/v1/bookings", {
        service: state.service, date: state.date, session: state.session,
        nik: el("nik").value, phone: el("phone").value || null, reminders: el("consent").checked,
      });
    }
    showBooking(b);
  } catch (e) {
    showError(e.code && e.code.startsWith("nik_") ? "nik-error" : "book-error", e);
    if (e.code && e.code.startsWith("nik_")) el("nik").focus();
  }
});
el("cancel").addEventListener("click", async () => {
  if (!confirm("Batalkan reservasi ini? · Cancel this booking?")) return;
  try { showBooking(await api("POST", `/api/v1/bookings/${encodeURIComponent(state.booking.code)}/cancel`)); }
  catch (e) { showError("manage-error", e); }
});
el("reschedule").addEventListener("click", async () => {
  // Same service, another date or session: the form's steps 3–4 again.
  state.rescheduling = true;
  await pickService(state.booking.service.id);
  el("step-agency").disabled = true;
  el("step-service").disabled = true;
  el("submit").replaceChildren(both("Ubah ke jadwal ini", "Move to this session"));
  el("step-date").scrollIntoView();
});
el("lookup").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try { showBooking(await api("GET", `/api/v1/bookings/${encodeURIComponent(el("lookup-code").value.trim().toUpperCase())}`)); }
  catch (e) { showError("lookup-error", e); }
});
loadAgencies().catch((e) => showError("book-error", e));
