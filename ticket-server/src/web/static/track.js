// The tracking page (/t/{code}): a file, not inline, so the Content-Security-Policy allows no inline script.
"use strict";
const code = location.pathname.split("/").pop();
const el = (id) => document.getElementById(id);
function line(id, en, cls) {
  const d = document.createElement("div");
  if (cls) d.className = cls;
  d.append(id);
  const s = document.createElement("span");
  s.className = "en";
  s.textContent = en;
  d.append(s);
  return d;
}
// A done ticket may be rated once; the answer stays on the page.
function ratingBlock(t) {
  const box = document.createElement("div");
  box.className = "rate";
  if (t.rating) {
    const f = document.createElement("div");
    f.className = "rated";
    f.append(AntriFaces.face(t.rating));
    box.append(f, line("Terima kasih atas penilaian Anda", "Thank you for your rating"));
    return box;
  }
  const h = document.createElement("h2");
  h.append(line("Bagaimana pelayanan kami?", "How was our service?"));
  const err = document.createElement("p");
  err.className = "error";
  box.append(h, AntriFaces.buttons(async (score) => {
    const r = await fetch(`/api/v1/track/${encodeURIComponent(code)}/rating`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ score }) });
    if (!r.ok && r.status !== 409) {
      const e = await r.json().catch(() => null);
      err.textContent = e && e.error ? e.error.message : `Error ${r.status}`;
      return;
    }
    refresh();
  }), err);
  return box;
}
// After the quick rating: the regulation's full survey (nine questions, under a minute).
function surveyInvitation() {
  const a = document.createElement("a");
  a.className = "survey-link";
  a.href = `/survey/${encodeURIComponent(code)}`;
  a.append(line("Isi survei kepuasan lengkap (9 pertanyaan, < 1 menit)", "Take the full satisfaction survey (9 questions, under a minute)"));
  return a;
}

// What the page shows for a view: the ticket, its state, a rating form once done.
function show(t) {
  const state = el("state");
  state.replaceChildren();
  el("service").textContent = `${t.agency_name.id} · ${t.service_name.id}`;
  el("number").textContent = t.number;
  // A priority ticket says whom it is for: "Prioritas: Lansia · Priority: Elderly".
  const priority = el("priority");
  priority.hidden = t.category === "regular";
  priority.replaceChildren();
  if (!priority.hidden) {
    priority.append(`Prioritas: ${t.category_name.id}`);
    const en = document.createElement("span");
    en.className = "en";
    en.textContent = `Priority: ${t.category_name.en}`;
    priority.append(en);
  }
  if (t.status === "called" || t.status === "serving") {
    state.append(line(`Silakan menuju loket ${t.counter}`, `Please go to counter ${t.counter}`, "called"));
  } else if (t.status === "waiting") {
    const facts = document.createElement("div");
    facts.className = "facts";
    const a = document.createElement("div");
    const ab = document.createElement("b"); ab.textContent = t.ahead;
    a.append(ab, line("antrian sebelum Anda", "ahead of you"));
    const w = document.createElement("div");
    // The server's words, by the one rule the kiosk and the printed ticket follow too
    // (antri_wire::wait): "segera" / "soon", "sekitar 12 menit" / "about 12 min".
    const wb = document.createElement("b"); wb.className = "words"; wb.textContent = t.estimated_wait.id;
    w.append(wb, line("perkiraan tunggu", `estimated wait: ${t.estimated_wait.en}`));
    facts.append(a, w);
    state.append(line("Menunggu dipanggil", "Waiting to be called"), facts);
  } else {
    const words = { done: ["Selesai dilayani", "Served"], no_show: ["Tidak hadir saat dipanggil", "Missed the call"],
                    cancelled: ["Dibatalkan", "Cancelled"], expired: ["Kedaluwarsa", "Expired"] }[t.status] || [t.status, t.status];
    state.append(line(words[0], words[1]));
    if (t.status === "done") state.append(ratingBlock(t));
    if (t.status === "done" && !t.surveyed) state.append(surveyInvitation());
  }
  AntriAlerts.update(t);
  // track-sms.js loads after this file; the first view arrives later anyway (a fetch or a stream).
  if (typeof AntriSms !== "undefined") AntriSms.update(t);
}

// Live: the server's per-ticket stream (one `track` message per change of this ticket's view).
// EventSource reconnects by itself (the server asks for 3 s); a phone that slept or lost its
// Wi-Fi is reconnected when it wakes or comes back online; a browser without EventSource, or a
// network that keeps breaking the stream (a proxy that buffers it), gets a poll every 5 s instead.
const POLL_MS = 5000;
const FAILURES_BEFORE_POLLING = 4;
const FINAL = ["done", "no_show", "cancelled", "expired"];
let source = null;
let failures = 0;
let polling = null;
let finished = false;

function connected(ok) {
  el("conn").hidden = ok;
}

function received(t) {
  failures = 0;
  connected(true);
  show(t);
  // A finished ticket changes no more: stop listening (the server ends its stream too).
  if (FINAL.includes(t.status)) {
    finished = true;
    stopLive();
  }
}

function stopLive() {
  if (source) { source.close(); source = null; }
  if (polling) { clearInterval(polling); polling = null; }
}

function listen() {
  if (finished) return;
  if (!window.EventSource || failures >= FAILURES_BEFORE_POLLING) { poll(); return; }
  stopLive();
  source = new EventSource(`/api/v1/track/${encodeURIComponent(code)}/stream`);
  source.addEventListener("track", (m) => received(JSON.parse(m.data)));
  source.addEventListener("error", () => {
    failures += 1;
    connected(false);
    if (failures >= FAILURES_BEFORE_POLLING) { poll(); return; }
    // CLOSED: the browser will not retry by itself (an error answer, e.g. a 404 or a 503 during
    // a restart). Ask once what is wrong, and try the stream again.
    if (source && source.readyState === EventSource.CLOSED) {
      source = null;
      refresh().then(() => { if (!finished && !source && !polling) setTimeout(listen, 3000); });
    }
  });
}

// The fallback: the plain view every 5 s; every 6th poll tries the stream again.
function poll() {
  if (source) { source.close(); source = null; }
  if (polling) return;
  let polls = 0;
  refresh();
  polling = setInterval(async () => {
    polls += 1;
    const ok = await refresh();
    if (ok && window.EventSource && polls % 6 === 0 && !finished) {
      clearInterval(polling); polling = null;
      failures = 0;
      listen();
    }
  }, POLL_MS);
}

async function refresh() {
  try {
    const r = await fetch(`/api/v1/track/${encodeURIComponent(code)}`, { cache: "no-store" });
    const t = await r.json();
    if (r.status === 404) {
      finished = true;
      stopLive();
      connected(true);
      el("state").replaceChildren(line("Tiket tidak ditemukan", "Ticket not found"));
      return false;
    }
    if (!r.ok) { connected(false); return false; }
    received(t);
    return true;
  } catch (e) {
    connected(false);
    return false;
  }
}

// Back from sleep or offline: open a fresh stream at once. The old socket may have died while the
// phone slept or the Wi-Fi was gone without the browser noticing (EventSource still says OPEN, and
// it sees no keep-alive comments); a new stream's first message is the view now.
function wake() {
  if (finished || document.visibilityState === "hidden") return;
  failures = 0;
  if (polling) { clearInterval(polling); polling = null; }
  listen();
}
document.addEventListener("visibilitychange", wake);
window.addEventListener("online", wake);
window.addEventListener("offline", () => connected(false));
listen();
