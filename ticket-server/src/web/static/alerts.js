// The supervisor's alerts on the dashboard: every alert in force, with a button to acknowledge
// it; a chime sounds every few seconds while any is not acknowledged, so a supervisor across the
// room hears it. A file, not inline, for the Content-Security-Policy.
"use strict";
const AntriAlerts = (() => {
  const CHIME_EVERY_MS = 6000;
  let audio = null;
  let unacknowledged = 0;
  // Chimes played (read by the browser test: a headless browser has no speaker to listen to).
  let chimes = 0;

  // Two short tones from WebAudio: no sound file to fetch, works offline on the LAN.
  function chime() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
      const t = audio.currentTime;
      for (const [f, at] of [[880, 0], [660, 0.22]]) {
        const o = audio.createOscillator(), g = audio.createGain();
        o.frequency.value = f;
        g.gain.setValueAtTime(0.0001, t + at);
        g.gain.exponentialRampToValueAtTime(0.4, t + at + 0.02);
        g.gain.exponentialRampToValueAtTime(0.0001, t + at + 0.2);
        o.connect(g).connect(audio.destination);
        o.start(t + at); o.stop(t + at + 0.22);
      }
      chimes += 1;
      document.body.dataset.chimes = chimes;
    } catch (e) { /* no audio device: the banner still shows */ }
  }
  setInterval(() => { if (unacknowledged > 0) chime(); }, CHIME_EVERY_MS);

  // The building's local time as the server wrote it ("2026-11-24T09:31:00+07:00" → 09.31).
  const time = (iso) => iso.slice(11, 16).replace(":", ".");

  function render(list) {
    const box = document.getElementById("alerts");
    const ul = document.getElementById("alert-list");
    const before = unacknowledged;
    unacknowledged = list.filter((a) => !a.acknowledged_by).length;
    ul.replaceChildren(...list.map((a) => {
      const li = Antri.el("li", { class: a.acknowledged_by ? "alert seen" : "alert", "data-kind": a.kind },
        Antri.el("span", { class: "when" }, time(a.raised_at)),
        Antri.el("span", { class: "what" }, a.message.id, Antri.el("span", { class: "en" }, a.message.en)));
      if (a.acknowledged_by) {
        li.append(Antri.el("span", { class: "by" }, `dilihat ${a.acknowledged_by} · seen`));
      } else {
        const b = Antri.el("button", { type: "button", class: "ack" }, "Sudah dilihat · Acknowledge");
        b.addEventListener("click", async () => {
          b.disabled = true;
          try { await Antri.api("POST", `/api/v1/alerts/${a.id}/acknowledge`); } catch (e) { /* shown on refresh */ }
          refresh();
        });
        li.append(b);
      }
      return li;
    }));
    box.classList.toggle("hidden", list.length === 0);
    document.getElementById("alert-count").textContent = list.length;
    // A new unacknowledged alert chimes at once, not at the next interval.
    if (unacknowledged > before) chime();
  }

  async function refresh() {
    try { render((await Antri.api("GET", "/api/v1/alerts")).active); } catch (e) { /* next event retries */ }
  }
  return { refresh };
})();
