// The four-face satisfaction scale (1 = Tidak baik … 4 = Sangat baik), shared by the loket's
// rating tablet and the visitor's tracking page. Faces are drawn, not emoji, so every tablet shows
// the same thing.
"use strict";
const AntriFaces = {
  words: [["Tidak baik", "Poor"], ["Kurang baik", "Fair"], ["Baik", "Good"], ["Sangat baik", "Very good"]],
  colors: ["#d64541", "#f08c00", "#7cb342", "#2e7d32"],
  mouths: ["M30 74 Q50 52 70 74", "M32 70 Q50 62 68 70", "M32 64 Q50 74 68 64", "M27 58 Q50 88 73 58"],

  face(score) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 100 100");
    svg.setAttribute("aria-hidden", "true");
    const add = (tag, attrs) => {
      const e = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      svg.append(e);
    };
    add("circle", { cx: 50, cy: 50, r: 46, fill: AntriFaces.colors[score - 1] });
    add("circle", { cx: 35, cy: 40, r: 6, fill: "#fff" });
    add("circle", { cx: 65, cy: 40, r: 6, fill: "#fff" });
    add("path", { d: AntriFaces.mouths[score - 1], stroke: "#fff", "stroke-width": 7, fill: "none", "stroke-linecap": "round" });
    return svg;
  },

  // Four big buttons; `onPick(score)` is called with 1..4.
  buttons(onPick) {
    const row = document.createElement("div");
    row.className = "faces";
    for (let score = 1; score <= 4; score++) {
      const [id, en] = AntriFaces.words[score - 1];
      const b = document.createElement("button");
      b.type = "button";
      b.className = "face";
      b.dataset.score = score;
      b.setAttribute("aria-label", `${id} · ${en}`);
      const label = document.createElement("span");
      label.className = "face-label";
      label.append(id);
      const small = document.createElement("span");
      small.className = "en";
      small.textContent = en;
      label.append(small);
      b.append(AntriFaces.face(score), label);
      b.addEventListener("click", () => onPick(score));
      row.append(b);
    }
    return row;
  },
};
