// The tracking page's "Text me": a visitor who wants SMS/WhatsApp messages for this ticket gives a
// number and agrees; the server keeps it only for this ticket (erased with the day's personal
// data) and shows it back masked. Offered only while the ticket waits and the building has a
// gateway. The masked number is remembered on this phone so the card shows it after a reload.
"use strict";
const AntriSms = (() => {
  const code = location.pathname.split("/").pop();
  const el = (id) => document.getElementById(id);
  const KEY = `antri.sms.${code}`;
  // localStorage may refuse (private browsing): the card then forgets on reload, nothing worse.
  const get = (k) => { try { return localStorage.getItem(k); } catch (e) { return null; } };
  const put = (k, v) => { try { if (v === null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch (e) { /* memory only */ } };
  const path = `/api/v1/track/${encodeURIComponent(code)}/messages`;

  function state(masked) {
    el("sms-form").hidden = !!masked;
    el("sms-stop").hidden = !masked;
    el("sms-state").textContent = masked
      ? `Pesan dikirim ke ${masked} · Messages go to ${masked}`
      : "";
  }

  async function send(method, body) {
    const r = await fetch(path, { method, headers: { "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
    const j = await r.json().catch(() => null);
    if (!r.ok) throw new Error(j && j.error ? j.error.message : `Error ${r.status}`);
    return j;
  }

  el("sms-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      // The same "warn me N places ahead" the page's own alerts use (track-alerts.js).
      const places = Number(get(`antri.near.${code}`)) || undefined;
      const v = await send("POST", { phone: el("sms-phone").value, consent: el("sms-consent").checked, places });
      put(KEY, v.phone_masked);
      el("sms-phone").value = "";
      state(v.phone_masked);
    } catch (e) { el("sms-state").textContent = e.message; }
  });
  el("sms-stop").addEventListener("click", async () => {
    try { await send("DELETE"); } catch (e) { /* gone already: the card resets anyway */ }
    put(KEY, null);
    state(null);
  });

  function update(t) {
    el("sms").hidden = !(t.messages && t.status === "waiting");
    state(get(KEY));
  }
  return { update };
})();
