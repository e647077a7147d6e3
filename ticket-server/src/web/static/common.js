// Shared by the staff pages: API calls with the session's CSRF token, login, and safe text output.
"use strict";
const Antri = {
  csrf: null,
  user: null,

  async api(method, path, body) {
    const headers = { "content-type": "application/json" };
    if (Antri.csrf) headers["x-csrf-token"] = Antri.csrf;
    const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
                                  credentials: "same-origin" });
    const text = await r.text();
    const data = text ? JSON.parse(text) : null;
    if (!r.ok) {
      const e = new Error(data && data.error ? data.error.message : `${r.status}`);
      e.code = data && data.error ? data.error.code : String(r.status);
      e.status = r.status;
      throw e;
    }
    return data;
  },

  // Restores the session after a reload; false when a login is needed.
  async resume() {
    try {
      const s = await Antri.api("GET", "/api/v1/me");
      Antri.user = s.user; Antri.csrf = s.csrf;
      return true;
    } catch (e) { return false; }
  },

  async login(username, password) {
    const r = await Antri.api("POST", "/api/v1/login", { username, password });
    Antri.user = r.user; Antri.csrf = r.csrf;
    return r.user;
  },

  async logout() {
    try { await Antri.api("POST", "/api/v1/logout"); } catch (e) { /* already gone */ }
    location.reload();
  },

  // Build an element; strings become text nodes, never HTML.
  el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  },

  // Server time minus this device's time, so "waited 3:20" is right even if the PC's clock is off.
  clockOffset: 0,
  syncClock(serverNowIso) { Antri.clockOffset = Date.parse(serverNowIso) - Date.now(); },

  minutes(secs) {
    const s = Math.floor(secs % 60), m = Math.floor(secs / 60) % 60, h = Math.floor(secs / 3600);
    const mm = h ? String(m).padStart(2, "0") : String(m);
    return `${h ? h + ":" : ""}${mm}:${String(s).padStart(2, "0")}`;
  },
  since(iso) { return Math.max(0, (Date.now() + Antri.clockOffset - Date.parse(iso)) / 1000); },

  // The live event stream (the cookie authenticates it); calls `onChange` at most every 250 ms.
  live(onChange) {
    let pending = false;
    const es = new EventSource("/api/v1/events");
    const poke = () => { if (!pending) { pending = true; setTimeout(() => { pending = false; onChange(); }, 250); } };
    es.addEventListener("snapshot", poke);
    es.addEventListener("event", poke);
    return es;
  },

  categoryWords: { regular: ["Umum", "Regular"], elderly: ["Lansia", "Elderly"], disability: ["Disabilitas", "Disability"],
                   pregnant_or_infant: ["Ibu hamil / bayi", "Pregnant / infant"] },
};
