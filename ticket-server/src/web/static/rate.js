// The rating tablet of one loket: idle until the loket finishes a ticket (seen live on the event
// stream), then the four faces; a tap is sent as that ticket's rating, the tablet thanks the
// visitor and invites them to the full SKM survey (nine questions, `survey.js`); untouched, or
// after the survey, it goes back to idle.
//
// The tablet is a device like a kiosk: it authenticates with its own device token as a bearer
// header, never a cookie, so nothing it does needs a CSRF token and a server restart does not log
// it out. The token arrives once, typed in or in the link's #token=… fragment (a fragment never
// reaches the server or its logs), and stays in the tablet browser's localStorage.
"use strict";
const $ = (id) => document.getElementById(id);
const LOKET = Number(location.pathname.split("/").pop());
const KEY = `antri-rate-token-${LOKET}`;
const THANKS_MS = 4000;   // thanks, then idle
const INVITE_MS = 10000;  // thanks with the survey's invitation, then idle
const SURVEY_IDLE_MS = 60000; // a survey left untouched this long is abandoned
const ASK_MS = 90000;     // nobody tapped: back to idle
let token = null;
let asking = null;        // the ticket number on screen
let timer = null;
let surveyFor = null;     // the ticket whose survey is on screen
let surveying = null;     // its AntriSurvey handle
let next = null;          // a ticket finished meanwhile, asked once the survey ends

function screen(name) {
  for (const id of ["idle", "ask", "thanks", "survey", "setup"]) $(id).classList.toggle("hidden", id !== name);
}

function idle() {
  asking = null; surveyFor = null; surveying = null; clearTimeout(timer);
  if (next) { const n = next; next = null; ask(n); return; }
  screen("idle");
}

function ask(number) {
  // A visitor in the middle of the survey is not interrupted: the next ticket waits its turn.
  if (surveyFor) { next = number; return; }
  asking = number;
  $("ask-number").textContent = `Nomor · Number ${number}`;
  $("ask-error").textContent = "";
  $("ask-faces").replaceChildren(AntriFaces.buttons(rate));
  screen("ask");
  clearTimeout(timer);
  timer = setTimeout(idle, ASK_MS);
}

async function rate(score) {
  const number = asking;
  if (!number) return;
  try {
    const r = await fetch("/api/v1/ratings", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ number, score }),
    });
    if (!r.ok && r.status !== 409) {
      const e = await r.json().catch(() => null);
      $("ask-error").textContent = e && e.error ? e.error.message : `Error ${r.status}`;
      return;
    }
  } catch (e) {
    $("ask-error").textContent = "Tidak tersambung, coba lagi · Offline, try again";
    return;
  }
  // Rated now, or already rated on the visitor's phone: either way, thank them, and invite them
  // to the full survey.
  asking = null;
  $("thanks-face").replaceChildren(AntriFaces.face(score));
  $("invite").classList.remove("hidden");
  $("invite").dataset.number = number;
  screen("thanks");
  clearTimeout(timer);
  timer = setTimeout(idle, INVITE_MS);
}

async function survey(number) {
  clearTimeout(timer);
  surveyFor = number;
  screen("survey");
  try {
    surveying = await AntriSurvey.run($("survey"), {
      idleMs: SURVEY_IDLE_MS,
      submit: (body) => send("/api/v1/surveys", { number, ...body }),
      onEnd(outcome) {
        surveying = null;
        clearTimeout(timer);
        timer = setTimeout(idle, outcome === "abandoned" ? 0 : THANKS_MS * 2);
      },
    });
  } catch (e) {
    idle();
  }
}

// POST as the tablet; an Error with the server's code when refused.
async function send(path, body) {
  const r = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!r.ok) {
    const e = await r.json().catch(() => null);
    const err = new Error(e && e.error ? e.error.message : `Error ${r.status}`);
    err.code = e && e.error ? e.error.code : String(r.status);
    throw err;
  }
  return r.json();
}

$("invite-yes").addEventListener("click", () => survey($("invite").dataset.number));
$("invite-no").addEventListener("click", () => idle());

function handle(name, data) {
  if (name === "snapshot") {
    const s = JSON.parse(data);
    $("building").textContent = s.building.name;
    const c = s.counters.find((c) => c.number === LOKET);
    $("loket-name").textContent = c ? c.name : `Loket ${LOKET}`;
    $("link").textContent = "Tersambung · Connected";
    return;
  }
  if (name !== "event") return;
  const e = JSON.parse(data);
  if (e.type === "ticket_done" && e.counter === LOKET) ask(e.ticket.number);
  // Rated on the visitor's phone meanwhile: nothing left to ask.
  if (e.type === "ticket_rated" && asking && e.ticket.number === asking) idle();
}

// Server-Sent Events over fetch, because EventSource cannot send an Authorization header.
async function listen() {
  let last = null;
  for (;;) {
    try {
      const r = await fetch(`/api/v1/events${last ? `?after=${last}` : ""}`,
                            { headers: { authorization: `Bearer ${token}` }, cache: "no-store" });
      if (r.status === 401 || r.status === 403) { setup("Token ditolak · Token refused"); return; }
      const reader = r.body.getReader();
      const dec = new TextDecoder();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const msg = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let name = "message", data = "";
          for (const line of msg.split("\n")) {
            if (line.startsWith("event: ")) name = line.slice(7);
            else if (line.startsWith("id: ")) last = line.slice(4);
            else if (line.startsWith("data: ")) data += line.slice(6);
          }
          handle(name, data);
        }
      }
    } catch (e) { /* reconnect below */ }
    $("link").textContent = "Menyambung ulang… · Reconnecting…";
    await new Promise((ok) => setTimeout(ok, 1000));
  }
}

function setup(message) {
  $("setup-error").textContent = message || "";
  screen("setup");
}

$("setup").addEventListener("submit", (ev) => {
  ev.preventDefault();
  token = $("token").value.trim();
  localStorage.setItem(KEY, token);
  idle();
  listen();
});

(function start() {
  const m = location.hash.match(/token=([^&]+)/);
  if (m) {
    localStorage.setItem(KEY, decodeURIComponent(m[1]));
    history.replaceState(null, "", location.pathname);
  }
  token = localStorage.getItem(KEY);
  if (!Number.isInteger(LOKET) || LOKET < 1) { setup("Alamat salah: /rate/<nomor loket> · Wrong address"); return; }
  AntriSurvey.load().then((q) => $("thanks-lapor").replaceChildren(AntriSurvey.complaints(q))).catch(() => {});
  if (!token) { setup(); return; }
  idle();
  listen();
})();
