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
async function refresh() {
  try {
    const r = await fetch(`/api/v1/track/${encodeURIComponent(code)}`, { cache: "no-store" });
    const t = await r.json();
    const state = el("state");
    state.replaceChildren();
    if (!r.ok) {
      state.append(line("Tiket tidak ditemukan", "Ticket not found"));
      return;
    }
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
    }
  } catch (e) {
    el("state").replaceChildren(line("Tidak tersambung, mencoba lagi…", "Offline, retrying…"));
  }
}
refresh();
setInterval(refresh, 5000);
