// The visitor's survey page, /survey/<tracking code>: the tracking page links here once the
// ticket is done. The code in the address is the proof; it goes to the API and nowhere else.
"use strict";
(async function surveyPage() {
  const $ = (id) => document.getElementById(id);
  const code = location.pathname.split("/").pop();
  const say = (text) => { $("intro-error").textContent = text; };
  let view;
  try {
    const r = await fetch(`/api/v1/track/${encodeURIComponent(code)}`, { cache: "no-store" });
    if (!r.ok) { say("Tiket tidak ditemukan · Ticket not found"); return; }
    view = await r.json();
  } catch (e) { say("Tidak tersambung · Offline"); return; }
  $("ticket").textContent = view.number;
  const q = await AntriSurvey.load();
  $("lapor-line").replaceChildren(AntriSurvey.complaints(q));
  if (view.status !== "done") {
    say("Survei dapat diisi setelah layanan Anda selesai · The survey opens once your service is done");
    return;
  }
  $("start").classList.remove("hidden");
  $("start").addEventListener("click", () => {
    $("intro").classList.add("hidden");
    $("lapor-line").classList.add("hidden");
    $("survey").classList.remove("hidden");
    AntriSurvey.run($("survey"), {
      idleMs: 30 * 60 * 1000, // a phone is the visitor's own: no hurry
      async submit(body) {
        const r = await fetch(`/api/v1/track/${encodeURIComponent(code)}/survey`, {
          method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
        });
        if (!r.ok) {
          const e = await r.json().catch(() => null);
          const err = new Error(e && e.error ? e.error.message : `Error ${r.status}`);
          err.code = e && e.error ? e.error.code : String(r.status);
          throw err;
        }
      },
      onEnd(outcome) {
        if (outcome === "abandoned") location.reload();
      },
    });
  });
})();
