// Officer console: one click or one key per action, live from the event stream, no reloads.
"use strict";
const $ = (id) => document.getElementById(id);
let loket = null;      // the counter number this officer works at
let counter = null;    // its CounterView
let services = {};     // id -> ServiceView
let noChoosing = false; // the building's "no choosing" mode: call next only
let supervising = false; // a supervisor or admin: may only call a number, to an open, free loket
const show = (id, on) => $(id).classList.toggle("hidden", !on);

function status(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

async function start() {
  if (await Antri.resume()) return afterLogin();
  show("login", true);
  $("username").focus();
}

$("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    await Antri.login($("username").value, $("password").value);
    afterLogin();
  } catch (e) {
    status(e.message, true);
    $("login").append($("status"));
  }
});
$("logout").addEventListener("click", () => Antri.logout());

async function afterLogin() {
  show("login", false);
  show("logout", true);
  $("who").textContent = `${Antri.user.name} (${Antri.user.username})`;
  supervising = ["supervisor", "admin"].includes(Antri.user.role);
  const lokets = supervising
    ? (await Antri.api("GET", "/api/v1/counters")).map((c) => c.number)
    : Antri.user.counters;
  const saved = Number(sessionStorage.getItem("antri-loket"));
  if (lokets.includes(saved)) return openConsole(saved);
  if (lokets.length === 1) return openConsole(lokets[0]);
  show("pick", true);
  $("lokets").replaceChildren(...lokets.map((n) =>
    Antri.el("button", { class: "primary loket-choice", onclick: () => openConsole(n) }, `Loket ${n}`)));
  if (!lokets.length) $("lokets").append("Akun ini tidak punya loket · This account has no counter");
}

async function openConsole(n) {
  loket = n;
  sessionStorage.setItem("antri-loket", String(n));
  show("pick", false);
  show("console", true);
  $("loket-title").textContent = `Loket ${n}`;
  await loadServices();
  await refresh();
  const es = Antri.live(refresh);
  // An admin may switch "no choosing" (or change services) at any time: read them again then.
  es.addEventListener("event", (m) => {
    try { if (JSON.parse(m.data).type === "config_changed") loadServices().then(refresh); } catch (e) { /* not ours */ }
  });
  setInterval(tick, 1000);
}

async function loadServices() {
  const s = await Antri.api("GET", "/api/v1/services");
  Antri.syncClock(s.building.now);
  services = {};
  for (const svc of s.services) services[svc.id] = svc;
  noChoosing = !!s.building.no_choosing;
  show("act-call", supervising || !noChoosing);
  show("no-choosing", noChoosing && !supervising);
  show("supervising", supervising);
}

async function refresh() {
  try {
    const [c, waiting] = await Promise.all([
      Antri.api("GET", `/api/v1/counters/${loket}`),
      Antri.api("GET", `/api/v1/counters/${loket}/waiting`),
    ]);
    counter = c;
    render(waiting);
  } catch (e) { status(e.message, true); }
}

function serviceName(id) { return services[id] ? services[id].name.id : id; }

function render(waiting) {
  const t = counter.current;
  $("current-number").textContent = t ? t.number : "—";
  $("current-meta").textContent = t
    ? `${serviceName(t.service)} · ${Antri.categoryWords[t.category][0]} · ${t.status === "serving" ? "sedang dilayani · serving" : "dipanggil · called"}`
    : "Belum ada tiket dipanggil · No ticket called";
  showBooking(t);
  const paused = counter.state.state === "paused";
  show("paused", paused);
  if (paused) $("paused").textContent = `Jeda: ${counter.state.reason}${counter.state.note ? " — " + counter.state.note : ""} · Paused`;
  const st = t ? t.status : null;
  $("act-call-next").disabled = paused || st === "called";
  $("act-recall").disabled = st !== "called";
  $("act-start").disabled = st !== "called";
  $("act-finish").disabled = !t;
  $("act-no-show").disabled = st !== "called";
  $("act-transfer").disabled = !t;
  $("act-call").disabled = noChoosing || paused || st === "called";
  $("act-pause").disabled = paused || !!t || counter.state.state === "closed";
  $("act-resume").disabled = !paused;
  if (supervising) {
    // Only "Call number" is a supervisor's, to a loket its officer has open and free.
    for (const b of document.querySelectorAll(".actions button")) b.disabled = true;
    $("act-call").disabled = counter.state.state !== "open" || !!t;
  }
  $("waiting-count").textContent = `(${waiting.length})`;
  $("waiting").replaceChildren(...waiting.map((w) => Antri.el("tr", {},
    Antri.el("td", {}, Antri.el("b", {}, w.number)),
    Antri.el("td", {}, serviceName(w.service)),
    Antri.el("td", {}, Antri.el("span", { class: w.category === "regular" ? "tag" : "tag prio" }, Antri.categoryWords[w.category][0]),
      w.booked ? Antri.el("span", { class: "tag booked" }, ` Reservasi ${w.booked}`) : ""),
    // Waited since the ticket or the check-in: a booked visitor's place is their session's start,
    // which may still be ahead (issued_at is the place for everyone else, transfers included).
    Antri.el("td", { class: "num", "data-since": w.issued_at }, Antri.minutes(Antri.since(w.issued_at))))));
  tick();
}

// A booked visitor: the booking is for the person, so the officer compares the masked NIK the
// booking was made with against the KTP. Fetched once per ticket (it is not in the counter view
// that devices read).
let bookingFor = null;
async function showBooking(t) {
  const box = $("current-booking");
  if (!t || !t.booked) { bookingFor = null; box.hidden = true; return; }
  if (bookingFor === t.id) return;
  bookingFor = t.id;
  try {
    const b = await Antri.api("GET", `/api/v1/counters/${loket}/booking`);
    box.replaceChildren(
      Antri.el("span", {}, `Reservasi ${b.session} · NIK `), Antri.el("b", {}, b.nik_masked || "—"),
      Antri.el("span", { class: "en" }, " — cocokkan dengan KTP · Booked: compare with the KTP"));
  } catch (e) {
    box.replaceChildren(`Reservasi ${t.booked} · Booked`);
  }
  box.hidden = false;
}

// Time waited / being served, always in view.
function tick() {
  const t = counter && counter.current;
  $("current-timer").textContent = t
    ? `${t.status === "serving" ? "Dilayani" : "Menunggu"} ${Antri.minutes(Antri.since(t.status === "serving" ? t.called_at : t.issued_at))}`
    : "";
  for (const td of document.querySelectorAll("td[data-since]")) td.textContent = Antri.minutes(Antri.since(td.dataset.since));
}

async function act(action, body) {
  try {
    const r = await Antri.api("POST", `/api/v1/counters/${loket}/${action}`, body || {});
    counter = r.counter;
    status(r.ticket ? `${r.ticket.number}: ${action}` : action, false);
    await refresh();
  } catch (e) { status(e.message, true); }
}

function confirmBox(text, extra) {
  $("confirm-text").textContent = text;
  $("confirm-extra").replaceChildren(...(extra ? [extra] : []));
  return new Promise((resolve) => {
    $("confirm").onclose = () => resolve($("confirm").returnValue === "ok");
    $("confirm").showModal();
    $("confirm-ok").focus();
  });
}

const actions = {
  "call-next": () => act("call-next"),
  recall: () => act("recall"),
  start: () => act("start"),
  finish: () => act("finish"),
  "no-show": async () => {
    if (await confirmBox(`Tandai ${counter.current.number} tidak hadir? · Mark as no-show?`)) act("no-show");
  },
  transfer: async () => {
    const select = Antri.el("select", { id: "transfer-service" },
      Object.values(services).filter((s) => s.id !== counter.current.service)
        .map((s) => Antri.el("option", { value: s.id }, `${s.prefix} · ${s.name.id}`)));
    if (await confirmBox(`Alihkan ${counter.current.number} ke layanan · Transfer to service:`, select)) act("transfer", { service: select.value });
  },
  call: async () => {
    const input = Antri.el("input", { id: "call-number", placeholder: "KTP-012" });
    setTimeout(() => input.focus(), 0);
    if (await confirmBox("Panggil nomor · Call number:", input)) act("call", { number: input.value.trim().toUpperCase() });
  },
  pause: async () => {
    const select = Antri.el("select", { id: "pause-reason" },
      Antri.el("option", { value: "break" }, "Istirahat · Break"), Antri.el("option", { value: "prayer" }, "Salat · Prayer"),
      Antri.el("option", { value: "system_issue" }, "Gangguan sistem · System issue"), Antri.el("option", { value: "other" }, "Lainnya · Other"));
    if (await confirmBox("Jeda loket · Pause the counter:", select)) act("pause", { reason: select.value });
  },
  resume: () => act("resume"),
};

for (const [name, fn] of Object.entries(actions)) $(`act-${name}`).addEventListener("click", fn);
document.addEventListener("keydown", (ev) => {
  if (ev.target.closest("input, select, dialog") || ev.ctrlKey || ev.metaKey || ev.altKey || !loket) return;
  const b = document.querySelector(`button[data-key="${ev.key.toLowerCase()}"]`);
  if (b && !b.disabled) { ev.preventDefault(); b.click(); }
});

start();
