// The full SKM survey (Permenpan RB 14/2017), shared by the loket's rating tablet and the
// visitor's survey page: one question a screen with four large answers and "3/9", then the
// optional profile, the optional suggestion, and thanks. The questions come from the server
// (/api/v1/skm/questions), so the regulation's wording lives in one place.
//
// AntriSurvey.run(root, { submit(body) → Promise, onEnd(outcome), idleMs }) draws into `root`;
// `submit` sends {answers, profile, suggestion} and throws an Error with .code on refusal;
// onEnd("sent" | "abandoned" | "refused") is called once. Untouched for idleMs, it is abandoned.
"use strict";
const AntriSurvey = (() => {
  let questions = null;
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const c of kids.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  };
  const bi = (id, en) => [id, el("span", { class: "en" }, en)];

  async function load() {
    if (!questions) {
      const r = await fetch("/api/v1/skm/questions", { cache: "no-store" });
      if (!r.ok) throw new Error(`questions: ${r.status}`);
      questions = await r.json();
    }
    return questions;
  }

  // A link to SP4N-LAPOR! for complaints, which the survey itself is not.
  function complaints(q) {
    return el("p", { class: "survey-lapor" },
      "Pengaduan? Sampaikan lewat ", el("a", { href: q.complaints_url, target: "_blank", rel: "noopener", id: "lapor" }, "SP4N-LAPOR!"),
      el("span", { class: "en" }, "Complaints: SP4N-LAPOR! (lapor.go.id)"));
  }

  async function run(root, opts) {
    const q = await load();
    const n = q.elements.length;
    const answers = new Array(n).fill(null);
    const profile = {};
    let step = 0, ended = false, timer = null;
    const idleMs = opts.idleMs || 60000;

    const end = (outcome) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      opts.onEnd && opts.onEnd(outcome);
    };
    const touch = () => { clearTimeout(timer); if (!ended) timer = setTimeout(() => end("abandoned"), idleMs); };
    const show = (...kids) => { root.replaceChildren(...kids); touch(); };

    function question(i) {
      const e = q.elements[i];
      const pick = (v) => { answers[i] = v; if (i + 1 < n) question(i + 1); else profileScreen(); };
      show(
        el("div", { class: "survey-progress", id: "survey-progress" }, `${i + 1}/${n}`,
          el("span", { class: "bar" }, el("span", { class: `fill w${Math.round(((i + 1) / n) * 10)}` }))),
        el("p", { class: "survey-element" }, `${e.code} · ${e.name}`),
        el("h2", { class: "survey-question" }, ...bi(e.question, e.question_en)),
        el("div", { class: "survey-answers" },
          e.answers.map((a, k) => el("button", {
            type: "button", class: `survey-answer v${k + 1}${answers[i] === k + 1 ? " chosen" : ""}`,
            "data-value": k + 1, onclick: () => pick(k + 1),
          }, el("b", {}, a), el("span", { class: "en" }, e.answers_en[k])))),
        i > 0 ? el("button", { type: "button", class: "survey-back", onclick: () => question(i - 1) }, "‹ Kembali · Back") : null,
      );
    }

    function choiceRow(key, title, titleEn, list) {
      return el("fieldset", { class: "survey-profile-row" }, el("legend", {}, ...bi(title, titleEn)),
        list.map((c) => el("button", {
          type: "button", class: `survey-chip${profile[key] === c.key ? " chosen" : ""}`, "data-key": c.key,
          onclick: (ev) => {
            profile[key] = profile[key] === c.key ? undefined : c.key;
            for (const b of ev.currentTarget.parentNode.querySelectorAll("button")) b.classList.toggle("chosen", b.dataset.key === profile[key]);
            touch();
          },
        }, c.label)));
    }

    function profileScreen() {
      show(
        el("h2", {}, ...bi("Tentang Anda (boleh dilewati)", "About you (optional)")),
        choiceRow("sex", "Jenis kelamin", "Sex", q.sex),
        choiceRow("age", "Usia", "Age", q.age),
        choiceRow("education", "Pendidikan", "Education", q.education),
        choiceRow("occupation", "Pekerjaan", "Occupation", q.occupation),
        el("div", { class: "survey-nav" },
          el("button", { type: "button", class: "survey-back", onclick: () => question(n - 1) }, "‹ Kembali · Back"),
          el("button", { type: "button", class: "survey-skip", id: "survey-skip",
                         onclick: () => { for (const k of Object.keys(profile)) delete profile[k]; suggestionScreen(); } }, "Lewati · Skip"),
          el("button", { type: "button", class: "survey-next", id: "survey-next", onclick: suggestionScreen }, "Lanjut · Next")),
      );
    }

    function suggestionScreen() {
      const box = el("textarea", { id: "survey-suggestion", maxlength: q.suggestion_max, rows: 4,
                                   "aria-label": "Saran dan masukan", oninput: touch });
      const error = el("p", { class: "error", id: "survey-error" });
      const send = el("button", { type: "button", class: "survey-next", id: "survey-send", onclick: async () => {
        send.disabled = true;
        error.textContent = "";
        const body = { answers, profile: Object.fromEntries(Object.entries(profile).filter(([, v]) => v)) };
        if (box.value.trim()) body.suggestion = box.value;
        try {
          await opts.submit(body);
          thanks();
          end("sent");
        } catch (e) {
          send.disabled = false;
          if (e.code === "already_surveyed") { error.textContent = "Survei tiket ini sudah diisi · This ticket's survey was already taken"; end("refused"); return; }
          error.textContent = e.message || "Tidak tersambung, coba lagi · Offline, try again";
          touch();
        }
      } }, "Kirim · Send");
      show(
        el("h2", {}, ...bi("Saran dan masukan (boleh kosong)", "Suggestions (optional)")),
        box,
        el("div", { class: "survey-nav" },
          el("button", { type: "button", class: "survey-back", onclick: profileScreen }, "‹ Kembali · Back"), send),
        error,
      );
    }

    function thanks() {
      root.replaceChildren(
        el("h2", { id: "survey-thanks" }, ...bi("Terima kasih atas penilaian Anda!", "Thank you for your answers!")),
        el("p", {}, ...bi("Jawaban Anda menjadi bagian Survei Kepuasan Masyarakat unit ini.", "Your answers count in this unit's public satisfaction survey.")),
        complaints(q),
      );
    }

    question(0);
    return { abandon: () => end("abandoned"), complaints: () => complaints(q) };
  }

  return { run, load, complaints };
})();
