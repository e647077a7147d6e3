// The tracking page's alerts: "your turn is near" when the ticket is N places from the front, and
// the full-screen "your number is called". The visitor picks N (kept per ticket in localStorage)
// and turns alerts on with a tap, which is what browsers require before they allow a notification,
// vibration or sound. Where a channel is missing (no Notification on plain http, no vibration on
// iPhones) the others still work, and the page says which ones are on.
"use strict";
const AntriAlerts = (() => {
  const code = location.pathname.split("/").pop();
  const MIN = 1, MAX = 20;
  const el = (id) => document.getElementById(id);
  const clamp = (n) => Math.min(MAX, Math.max(MIN, Number.isFinite(n) ? n : 3));
  // Private browsing or a full storage refuses localStorage: alerts still work for this visit.
  const store = {
    get(name, fallback) {
      try { const v = localStorage.getItem(`antri.${name}.${code}`); return v === null ? fallback : v; }
      catch (e) { return fallback; }
    },
    set(name, value) { try { localStorage.setItem(`antri.${name}.${code}`, value); } catch (e) { /* kept in memory */ } },
  };
  let near = clamp(parseInt(store.get("near", "3"), 10));
  let enabled = store.get("alerts", "off") === "on";
  let audio = null;
  let last = null;          // the last view shown
  let wasNear = false;      // the last view was within `near`: a new crossing raises the alert again
  let dismissed = null;     // the call (its called_at) whose overlay the visitor closed
  let announced = null;     // the call already announced by sound and notification
  let callShown = null;     // the call (its called_at) the overlay is for
  let lastStatus = null;
  let notifications = 0;    // notifications created, in the page's data-notifications (for tests)

  function bilingual(node, id, en) {
    const s = document.createElement("span");
    s.className = "en";
    s.textContent = en;
    node.replaceChildren(id, s);
  }

  function canNotify() {
    return "Notification" in window && window.isSecureContext;
  }

  // A short two-tone chime made by WebAudio: no sound file to download.
  function chime() {
    if (!audio) return;
    try {
      if (audio.state === "suspended") audio.resume();
      const t0 = audio.currentTime;
      [[880, 0], [660, 0.25], [880, 0.5]].forEach(([hz, at]) => {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = hz;
        gain.gain.setValueAtTime(0.0001, t0 + at);
        gain.gain.exponentialRampToValueAtTime(0.6, t0 + at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + 0.22);
        osc.connect(gain).connect(audio.destination);
        osc.start(t0 + at);
        osc.stop(t0 + at + 0.24);
      });
    } catch (e) { /* no sound on this phone */ }
  }

  function notify(title, body) {
    if (!canNotify() || Notification.permission !== "granted") return;
    const options = { body, tag: `antri-${code}`, renotify: true, requireInteraction: true };
    try {
      new window.Notification(title, options);
      notifications += 1;
    } catch (e) {
      // Android's Chrome creates notifications only through a service worker.
      if (navigator.serviceWorker) {
        navigator.serviceWorker.register("/static/track-sw.js", { scope: "/static/" })
          .then((reg) => reg.showNotification(title, options))
          .then(() => { notifications += 1; document.body.dataset.notifications = notifications; })
          .catch(() => {});
      }
    }
    document.body.dataset.notifications = notifications;
  }

  function raise(title, body, pattern) {
    if (!enabled) return;
    notify(title, body);
    if (navigator.vibrate) navigator.vibrate(pattern);
    chime();
  }

  function showState() {
    const parts = [];
    if (enabled) {
      if (canNotify() && Notification.permission === "granted") parts.push(["notifikasi", "notification"]);
      if (navigator.vibrate) parts.push(["getar", "vibration"]);
      if (window.AudioContext) parts.push(["suara", "sound"]);
    }
    const toggle = el("alerts-toggle");
    toggle.classList.toggle("on", enabled);
    if (enabled) {
      bilingual(toggle, "Matikan peringatan", "Turn off alerts");
      bilingual(el("alerts-state"), `Peringatan aktif: ${parts.map((p) => p[0]).join(", ")}`,
        `Alerts on: ${parts.map((p) => p[1]).join(", ")}`);
    } else {
      bilingual(toggle, "Nyalakan peringatan", "Turn on alerts");
      bilingual(el("alerts-state"), "Peringatan mati: biarkan halaman ini terbuka",
        "Alerts off: keep this page open");
    }
    el("near-n").textContent = near;
  }

  async function toggle() {
    enabled = !enabled;
    store.set("alerts", enabled ? "on" : "off");
    if (enabled) {
      // Inside the tap: the only moment browsers allow sound to start and permission to be asked.
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!audio && Ctx) audio = new Ctx();
      if (navigator.vibrate) navigator.vibrate(200);
      chime();
      if (canNotify() && Notification.permission === "default") {
        try { await Notification.requestPermission(); } catch (e) { /* refused */ }
      }
    }
    showState();
  }

  function setNear(n) {
    near = clamp(n);
    store.set("near", String(near));
    showState();
    if (last) update(last);
  }

  function showNear(t, isNear) {
    const banner = el("near");
    banner.hidden = !isNear;
    if (!isNear) return;
    if (t.ahead === 0) {
      bilingual(banner, "Giliran Anda berikutnya — bersiaplah", "You are next — be ready");
    } else {
      bilingual(banner, `Giliran Anda sebentar lagi — ${t.ahead} antrian lagi`, `Your turn is near — ${t.ahead} ahead`);
    }
  }

  function showCalled(t) {
    // A view is the ticket's state now, not every step: an officer who starts at once may leave
    // the phone a jump from waiting to serving. That is a call too.
    if (t.status === "called" || (t.status === "serving" && lastStatus === "waiting")) callShown = t.called_at;
    lastStatus = t.status;
    const called = (t.status === "called" || t.status === "serving") && t.called_at === callShown
      && t.called_at !== dismissed;
    el("overlay").hidden = !called;
    if (!called) return;
    bilingual(el("overlay-title"), `Nomor Anda dipanggil — loket ${t.counter}`, `Your number is called — counter ${t.counter}`);
    el("overlay-number").textContent = t.number;
    // Where to go, as large as the number: what the visitor must read from across the room.
    bilingual(el("overlay-loket"), `Loket ${t.counter}`, `Counter ${t.counter}`);
    if (t.called_at !== announced) {
      announced = t.called_at;
      raise(`Nomor Anda dipanggil — loket ${t.counter} · Your number is called — counter ${t.counter}`,
        `${t.number}: silakan menuju loket ${t.counter} · please go to counter ${t.counter}`, [600, 200, 600, 200, 600]);
    }
  }

  // Each view the server sends (or a poll returns). The alert sounds once per crossing: when the
  // ticket comes within N (or N is raised past it), not again for each place it moves up.
  function update(t) {
    last = t;
    const isNear = t.status === "waiting" && t.ahead <= near;
    // Only while waiting: once called, where to go is all the page should say.
    el("alerts").hidden = t.status !== "waiting";
    showNear(t, isNear);
    if (isNear && !wasNear) {
      raise(`Giliran Anda sebentar lagi · Your turn is near`,
        `${t.number}: ${t.ahead} antrian lagi · ${t.ahead} ahead`, [300, 150, 300]);
    }
    wasNear = isNear;
    showCalled(t);
  }

  function setup() {
    el("near-minus").addEventListener("click", () => setNear(near - 1));
    el("near-plus").addEventListener("click", () => setNear(near + 1));
    el("alerts-toggle").addEventListener("click", toggle);
    el("overlay-close").addEventListener("click", () => {
      dismissed = last ? last.called_at : null;
      el("overlay").hidden = true;
    });
    // After a reload alerts are still on, but sound needs a tap first: any tap on the page.
    document.addEventListener("click", () => {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (enabled && !audio && Ctx) audio = new Ctx();
    });
    document.body.dataset.notifications = notifications;
    showState();
  }

  setup();
  return { update };
})();
