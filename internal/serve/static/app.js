// culturesim teaching mode. The server runs the simulation (culturesim's
// engine) and pushes frames as server-sent events; this page draws them and
// posts the controls. window.culturesim exposes the state for tests.
"use strict";

const A_COLOR = [0x9a, 0xcd, 0x32], B_COLOR = [0xcd, 0x5c, 0x5c], EMPTY = [0xf2, 0xf2, 0xee];
const PLATFORM_COLORS = ["#1f4e9c", "#d95f02", "#6a3d9a", "#1b9e77", "#666666"];
const OUTCOMES = [
  {name: "cooperation", color: "#9acd32", text: "Cooperation wins: from any mix, cooperators (A) take over. The help cooperators get back — through the partner being also the one they learn from (α) and through transmission biased towards A — outweighs the cost c."},
  {name: "defection", color: "#cd5c5c", text: "Defection wins: from any mix, defectors (B) take over. The cost c is too high for what cooperators get back through α and transmission."},
  {name: "coexistence", color: "#ffd700", text: "Stable coexistence: cooperators and defectors settle at a stable mix p̂*; transmission favours whichever is rare."},
  {name: "bistable", color: "#add8e6", text: "Bistable: the start decides. Above an unstable threshold p̂* cooperation wins, below it defection does."},
  {name: "neutral", color: "#d3d3d3", text: "Neutral: selection and transmission cancel exactly; frequencies change only by chance."},
  {name: "boundary", color: "#404040", text: "On a boundary between two regions (β₃ = 0 or β₃ = β₁)."},
];
// The sliders come from the server (hello.sliders): the engine's table of
// settings is the one place that names parameters and their ranges.
let SLIDERS = [];

const cs = window.culturesim = {frames: 0, phases: 0, lastFrame: null, hello: null, errors: 0, session: null, phaseList: []};
let focus = 0;          // platform whose parameters the sliders show (-1: all)
let editing = -Infinity; // time of the last slider move: do not overwrite it from frames (none yet: the page may load within 600 ms)
const series = [];      // per platform: [[generation, freq], ...]
cs.series = series;
const marks = [];       // the chart's marks of this page: {g, label}
const $ = (id) => document.getElementById(id);
const NARROW = "(max-width: 1439px)"; // style.css's three-column layout

function message(text, kind) {
  const m = $("message");
  m.textContent = text || "";
  m.className = text ? kind : "";
}

// STATIC: the static site (culturesim site), where the engine runs in
// this page as WebAssembly (window.culturesimWasm) instead of on a server.
const STATIC = window.CULTURESIM_STATIC || null;

// post sends a control (or, with url, a classroom's request) and shows
// a refusal's message.
async function post(body, url) {
  if (!cs.session) return false;
  try {
    let j, ok;
    if (STATIC && !url) {
      j = JSON.parse(window.culturesimWasm.control(JSON.stringify(body)));
      ok = !j.error;
    } else {
      const r = await fetch(url || "api/control?session=" + cs.session, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
      j = await r.json();
      ok = r.ok;
      if (!ok && !j.error) j.error = "error " + r.status;
    }
    if (!ok) { cs.errors++; message(j.error, "error"); return false; }
    message("");
    return true;
  } catch (e) {
    message("the server does not answer: " + e, "error");
    return false;
  }
}
cs.post = post;

// loadScenarioText sends a scenario file's text to the server, which
// checks it as the command line does; its errors show on the page.
async function loadScenarioText(name, text) {
  return post({action: "scenario", file: name, toml: text});
}
cs.loadScenarioText = loadScenarioText;

function decode(b64) {
  const s = atob(b64), out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

// ---- layout built from the hello message ----

function build(h) {
  cs.hello = h;
  cs.phaseList = [];
  $("phaseThumbs").innerHTML = "";
  marks.length = 0;
  cs.lastParams = null;
  focus = 0;
  editing = -Infinity; // a new world: its values, even if a slider just moved
  // The scenario picker: the built-ins, and an uploaded one by its name.
  const pickS = $("scenarioPick");
  pickS.innerHTML = "";
  for (const n of h.builtins || []) pickS.add(new Option(n, n));
  if (!(h.builtins || []).includes(h.scenario)) pickS.add(new Option(h.scenario + " (uploaded)", ""));
  pickS.value = (h.builtins || []).includes(h.scenario) ? h.scenario : "";
  $("scenario").textContent = h.scenario + (h.description ? " — " + h.description : "");
  $("seed").value = h.seed;
  const world = $("world");
  world.innerHTML = "";
  series.length = 0;
  const several = h.platforms.length > 1;
  h.platforms.forEach((p, k) => {
    series.push([]);
    const div = document.createElement("div");
    div.className = "platform";
    div.innerHTML = `<h3 style="color:${several ? PLATFORM_COLORS[k % 5] : "inherit"}"></h3><div class="bar"><div></div></div><div class="stats"></div>`;
    div.querySelector("h3").textContent = p.name + (p.network ? ` — network: ${p.network.description} (${p.network.nodes.toLocaleString()} nodes, ${p.network.edges.toLocaleString()} edges)`
      : p.lattice ? ` — ${p.size}×${p.size} lattice` : ` — well-mixed`);
    const cv = document.createElement("canvas");
    // 300 px on a small screen (the three-column layout of style.css) or
    // beside another platform, 460 otherwise.
    // Beside other platforms in the small layout, two fit side by side.
    const small = matchMedia(NARROW).matches;
    const px = small && several ? 140 : several || small ? 300 : 460;
    if (p.network) {
      cv.width = cv.height = 460;
      cv.style.width = cv.style.height = px + "px";
    } else if (p.lattice) {
      cv.width = cv.height = p.size;
      cv.style.width = cv.style.height = px + "px";
    } else {
      cv.width = 360; cv.height = 240;
    }
    div.insertBefore(cv, div.querySelector(".bar"));
    world.appendChild(div);
  });
  // Platform picker, migration panel.
  const pick = $("platform");
  pick.innerHTML = several ? `<option value="-1">all platforms</option>` : "";
  h.platforms.forEach((p, k) => pick.add(new Option(p.name, k)));
  pick.value = several ? "0" : "0";
  $("platformPick").classList.toggle("hidden", !several);
  $("migration").classList.toggle("hidden", !several);
  for (const sel of [$("evFrom"), $("evTo")]) {
    sel.innerHTML = "";
    h.platforms.forEach((p, k) => sel.add(new Option(p.name, k)));
  }
  if (several) $("evTo").value = "1";
  const anyLattice = h.platforms.some((p) => p.lattice);
  $("selectionRow").classList.toggle("hidden", !anyLattice);
  SLIDERS = h.sliders;
  buildSliders();
  buildStructure();
  syncControls(h.platforms);
  setSpeedLabel();
  if (matchMedia(NARROW).matches) { $("chart").width = 310; $("chart").height = 170; } // drawn at its size: legible text
  $("chartLegend").innerHTML = h.platforms.map((p, k) =>
    `<span><i style="background:${PLATFORM_COLORS[k % 5]}"></i>${p.name}</span>`).join("") +
    `<span>dashed: migrants' frequency</span>`;
  $("regions").innerHTML = OUTCOMES.map((o) => `<div data-outcome="${o.name}" style="border-color:${o.color}"><b>${o.name}</b> — ${o.text}</div>`).join("");
}

function buildSliders() {
  const box = $("sliders");
  box.innerHTML = "";
  for (const s of SLIDERS) {
    const row = document.createElement("label");
    row.className = "slider";
    row.dataset.key = s.key;
    row.innerHTML = `<span>${s.label.replace("T_A", "T<sub>A</sub>").replace("T_B", "T<sub>B</sub>")}</span><input type="range" min="${s.min}" max="${s.max}" step="${s.step}"><output></output>`;
    row.querySelector("span").title = s.title;
    const input = row.querySelector("input"), out = row.querySelector("output");
    let timer = null;
    input.addEventListener("input", () => {
      out.textContent = (+input.value).toFixed(3).replace(/\.?0+$/, "");
      editing = performance.now();
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const ok = await post({action: "set", platform: focus, params: {[s.key]: +input.value}});
        if (!ok) { editing = -Infinity; if (cs.lastFrame) syncControls(cs.lastFrame.params); } // show the server's values again
      }, 120);
    });
    box.appendChild(row);
  }
}

// syncControls shows the focused platform's parameters (unless the user
// is moving a slider).
function syncControls(params) {
  const moving = performance.now() - editing < 600;
  const p = params[Math.max(focus, 0)];
  const lattice = p.lattice;
  for (const row of $("sliders").children) {
    const s = SLIDERS.find((x) => x.key === row.dataset.key);
    const input = row.querySelector("input"), out = row.querySelector("output");
    if (!moving) {
      input.value = p.params[s.key];
      out.textContent = (+p.params[s.key]).toFixed(3).replace(/\.?0+$/, "");
    }
    const off = (s.wellMixedOnly && lattice) || (s.latticeOnly && !lattice);
    // A classroom's student sees only the culture of their platform that
    // applies to it, and can change nothing while the teacher has locked
    // the controls.
    const student = cs.role === "student";
    row.classList.toggle("hidden", student && (off || !cs.class.culture.includes(s.key)));
    input.disabled = off || (student && (cs.class.locked || !!(cs.lastFrame && cs.lastFrame.replaying)));
    row.title = off ? (lattice ? "on a lattice or network α emerges from the structure (1/8 for 8 neighbours)" : "lattices and networks only") : "";
    row.style.opacity = off ? 0.45 : 1;
  }
  if (!moving) for (const r of document.querySelectorAll("input[name=selection]")) r.checked = r.value === p.params.selection;
}

// buildStructure shows the focused platform's structure settings (from
// the hello): changing them rebuilds the population from the seed.
function buildStructure() {
  const p = cs.hello.platforms[Math.max(focus, 0)];
  const box = $("structureFields");
  box.innerHTML = "";
  for (const f of p.structure || []) {
    const row = document.createElement("label");
    row.className = "field";
    row.title = f.title;
    row.dataset.key = f.key;
    row.append(f.label);
    let input;
    if (f.options) {
      input = document.createElement("select");
      for (const o of f.options) input.add(new Option(o, o));
    } else {
      input = document.createElement("input");
      input.type = "number";
      input.step = f.whole ? "1" : "any";
    }
    input.value = f.value;
    row.append(input);
    box.append(row);
  }
}

// rebuild sends the structure fields that differ from the hello's.
function rebuild() {
  const p = cs.hello.platforms[Math.max(focus, 0)], params = {};
  for (const row of $("structureFields").children) {
    const f = p.structure.find((x) => x.key === row.dataset.key), el = row.querySelector("input, select");
    const v = f.options ? el.value : +el.value;
    if (v !== f.value) params[f.key] = v;
  }
  if (!Object.keys(params).length) { message("nothing changed", "info"); return Promise.resolve(false); }
  return post({action: "structure", platform: Math.max(focus, 0), params}).then((ok) => {
    if (ok) { series.forEach((s) => (s.length = 0)); marks.length = 0; } // a new world; a refused one keeps its chart
    return ok;
  });
}
cs.rebuild = rebuild;

// drawFitness draws each platform's mean fitness over the generations
// (the last generation played: the frames' meanFitness).
function drawFitness() {
  const cv = $("chart2"), ctx = cv.getContext("2d");
  const W = cv.width, H = cv.height, L = 58, R = 10, T = 8, B = 24;
  ctx.clearRect(0, 0, W, H);
  let g0 = Infinity, g1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const s of series) for (const p of s) {
    g0 = Math.min(g0, p[0]); g1 = Math.max(g1, p[0]);
    if (!isNaN(p[3])) { y0 = Math.min(y0, p[3]); y1 = Math.max(y1, p[3]); }
  }
  if (!isFinite(y0)) return;
  if (g1 === g0) g1 = g0 + 1;
  if (y1 - y0 < 1e-6) { y0 -= 0.01; y1 += 0.01; }
  const X = (g) => L + (W - L - R) * (g - g0) / (g1 - g0), Y = (y) => T + (H - T - B) * (1 - (y - y0) / (y1 - y0));
  ctx.strokeStyle = "#ccc"; ctx.fillStyle = "#666"; ctx.font = "11px system-ui"; ctx.lineWidth = 1;
  for (let t = 0; t <= 2; t++) {
    const y = y0 + (y1 - y0) * t / 2;
    ctx.beginPath(); ctx.moveTo(L, Y(y)); ctx.lineTo(W - R, Y(y)); ctx.stroke();
    ctx.fillText(y.toFixed(3), 14, Y(y) + 4);
  }
  ctx.textAlign = "center"; ctx.fillText("generation", L + (W - L - R) / 2, H - 6); ctx.textAlign = "left";
  series.forEach((s, k) => {
    ctx.strokeStyle = PLATFORM_COLORS[k % 5]; ctx.lineWidth = 2; ctx.beginPath();
    let pen = false;
    for (const p of s) {
      if (isNaN(p[3])) { pen = false; continue; }
      if (pen) ctx.lineTo(X(p[0]), Y(p[3])); else ctx.moveTo(X(p[0]), Y(p[3]));
      pen = true;
    }
    ctx.stroke();
  });
}

// savePNG puts the population, the charts and the phase diagram side by
// side in one image and downloads it.
function savePNG() {
  // A lattice's canvas has a pixel a site: drawn 3 to 4 times larger.
  const parts = [...document.querySelectorAll("#world canvas")].map((c) => { const w = Math.max(c.width, 330); return [c, w, w * c.height / c.width]; })
    .concat([[$("chart"), $("chart").width, $("chart").height], [$("phase"), $("phase").width, $("phase").height]]);
  const gap = 12, H = Math.max(...parts.map((p) => p[2]));
  const out = document.createElement("canvas");
  out.width = parts.reduce((w, p) => w + p[1] + gap, gap); out.height = H + 2 * gap;
  const ctx = out.getContext("2d");
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, out.width, out.height);
  ctx.imageSmoothingEnabled = false;
  let x = gap;
  for (const [c, w, h] of parts) { ctx.drawImage(c, x, gap, w, h); x += w + gap; }
  const a = document.createElement("a");
  a.download = `${cs.hello.scenario}-generation-${cs.lastFrame ? cs.lastFrame.g : 0}.png`;
  a.href = out.toDataURL("image/png");
  a.click();
  return a.href.length;
}
cs.savePNG = savePNG;

// ---- frames ----

function drawLattice(cv, pf) {
  const ctx = cv.getContext("2d");
  const n = cv.width * cv.height;
  const img = ctx.createImageData(cv.width, cv.height);
  const sites = decode(pf.sites), occ = pf.occupied ? decode(pf.occupied) : null;
  for (let i = 0; i < n; i++) {
    const a = (sites[i >> 3] >> (i & 7)) & 1;
    const empty = occ && !((occ[i >> 3] >> (i & 7)) & 1);
    const c = empty ? EMPTY : a ? A_COLOR : B_COLOR;
    img.data.set([c[0], c[1], c[2], 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
}

// drawNetwork draws a network's sample: its edges in grey, its nodes
// coloured by phenotype (migrants as squares, empty nodes hollow).
function drawNetwork(cv, pf, net) {
  const ctx = cv.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, cv.width, cv.height);
  const d = decode(pf.nodes), W = cv.width, r = 4.5;
  ctx.strokeStyle = "rgba(0,0,0,0.18)"; ctx.lineWidth = 1;
  ctx.beginPath();
  for (const [i, j] of net.links) {
    ctx.moveTo(net.x[i] * W, net.y[i] * W); ctx.lineTo(net.x[j] * W, net.y[j] * W);
  }
  ctx.stroke();
  for (let i = 0; i < d.length; i++) {
    const x = net.x[i] * W, y = net.y[i] * W;
    if (d[i] & 4) { ctx.strokeStyle = "#999"; ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.stroke(); continue; }
    ctx.fillStyle = d[i] & 1 ? "#9acd32" : "#cd5c5c";
    if (d[i] & 2) { ctx.fillRect(x - r, y - r, 2 * r, 2 * r); }
    else { ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.fill(); }
  }
}

function drawDots(cv, pf) {
  const ctx = cv.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, cv.width, cv.height);
  const d = decode(pf.dots), cols = 30, r = 4.2;
  for (let i = 0; i < d.length; i++) {
    const x = 6 + (i % cols) * 11.8, y = 6 + Math.floor(i / cols) * 11.8;
    ctx.fillStyle = d[i] & 1 ? "#9acd32" : "#cd5c5c";
    if (d[i] & 2) { ctx.fillRect(x - r, y - r, 2 * r, 2 * r); }
    else { ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.fill(); }
  }
}

// noteChanges marks on the chart where a parameter moved, and keeps the
// header true: the scenario's description, or what differs from it now.
function noteChanges(f) {
  const changed = (a, b) => {
    const out = [];
    a.forEach((p, k) => {
      const q = b[k];
      if (!q) return;
      for (const key of Object.keys(p.params)) {
        if (p.params[key] !== q.params[key]) out.push(`${a.length > 1 ? p.name + " " : ""}${key} = ${typeof p.params[key] === "number" ? +p.params[key].toFixed(4) : p.params[key]}`);
      }
    });
    return out;
  };
  // A reset or a replay starts again: its parameters are no change.
  if (cs.lastParams && f.g >= cs.lastG) {
    const moved = changed(f.params, cs.lastParams);
    if (moved.length) addMark(f.g, moved.join(", "));
  }
  cs.lastParams = f.params;
  cs.lastG = f.g;
  const h = cs.hello;
  const now = changed(f.params, h.platforms);
  $("scenario").textContent = h.scenario + " — " + (now.length ? "changed from the scenario: " + now.join(", ") : h.description);
}

// addMark marks generation g on the chart; moves within a few
// generations of the last mark (a slider being dragged) update it.
function addMark(g, label) {
  const last = marks[marks.length - 1];
  if (last && !last.event && g - last.g < 5 && !label.startsWith("event")) { last.label = label; return; }
  marks.push({g, label, event: label.startsWith("event")});
  if (marks.length > 50) marks.shift();
}

function onFrame(f) {
  cs.frames++;
  cs.lastFrame = f;
  const divs = $("world").children;
  f.platforms.forEach((pf, k) => {
    const div = divs[k];
    if (!div) return;
    const cv = div.querySelector("canvas");
    if (pf.network && cs.hello.platforms[k]) cs.hello.platforms[k].network = pf.network; // a new graph
    const net = cs.hello.platforms[k] && cs.hello.platforms[k].network;
    if (pf.nodes !== undefined && net) drawNetwork(cv, pf, net);
    else if (pf.sites) drawLattice(cv, pf); else if (pf.dots !== undefined) drawDots(cv, pf);
    const fa = pf.size ? pf.a / pf.size : 0;
    div.querySelector(".bar div").style.width = (100 * fa).toFixed(1) + "%";
    let txt = `${pf.size.toLocaleString()} agents · A ${(100 * fa).toFixed(1)}% · mean fitness ${pf.meanFitness ? pf.meanFitness.toFixed(3) : "–"}`;
    if (pf.migrants) txt += ` · migrants ${pf.migrants.toLocaleString()} (A ${(100 * pf.migrantsA / pf.migrants).toFixed(1)}%)`;
    if (net) txt += ` · effective α ${(pf.alpha || net.alpha).toFixed(3)} · drawn: ${net.x.length} nodes around the best-connected one` + (f.platforms.length > 1 ? ", squares are migrants" : "");
    else if (!pf.sites) txt += f.platforms.length > 1 ? " · dots: a sample of agents, squares are migrants" : " · dots: a sample of agents";
    div.querySelector(".stats").textContent = txt;
    const s = series[k];
    if (s.length && f.g < s[s.length - 1][0]) { series.forEach((x) => (x.length = 0)); marks.length = 0; } // reset
    if (!s.length || s[s.length - 1][0] !== f.g) {
      s.push([f.g, pf.size ? pf.a / pf.size : NaN, pf.migrants ? pf.migrantsA / pf.migrants : NaN, pf.meanFitness || NaN]);
      if (s.length > 2000) s.splice(0, s.length - 2000);
    }
  });
  noteChanges(f);
  drawChart();
  if ($("fitnessBox").open) drawFitness();
  syncControls(f.params);
  $("status").textContent = `generation ${f.g} · ${f.replaying ? "replaying" : f.running ? "playing" : "paused"} · seed ${f.seed}`;
  $("replay").disabled = !f.g || f.replaying;
  $("replay").textContent = f.changes ? `Replay (${f.changes} change${f.changes > 1 ? "s" : ""})` : "Replay";
  if (cs.role === "student" && !!f.replaying !== !!cs.wasReplaying) { cs.wasReplaying = !!f.replaying; applyRole(); }
  // Why play paused by itself (fixation, the scenario's last generation).
  $("noticeText").textContent = f.notice || "";
  $("notice").classList.toggle("hidden", !f.notice);
  $("play").classList.toggle("on", f.running);
}

function drawChart() {
  const cv = $("chart"), ctx = cv.getContext("2d");
  const W = cv.width, H = cv.height, L = 58, R = 10, T = 8, B = 24;
  ctx.clearRect(0, 0, W, H);
  let g0 = Infinity, g1 = -Infinity;
  for (const s of series) if (s.length) { g0 = Math.min(g0, s[0][0]); g1 = Math.max(g1, s[s.length - 1][0]); }
  if (!isFinite(g0)) return;
  if (g1 === g0) g1 = g0 + 1;
  const X = (g) => L + (W - L - R) * (g - g0) / (g1 - g0), Y = (p) => T + (H - T - B) * (1 - p);
  ctx.strokeStyle = "#ccc"; ctx.fillStyle = "#666"; ctx.font = "11px system-ui"; ctx.lineWidth = 1;
  for (const p of [0, 0.25, 0.5, 0.75, 1]) {
    ctx.beginPath(); ctx.moveTo(L, Y(p)); ctx.lineTo(W - R, Y(p)); ctx.stroke();
    ctx.fillText(p.toFixed(2), 20, Y(p) + 4);
  }
  ctx.fillText(`${g0}`, L, H - 6);
  ctx.textAlign = "right"; ctx.fillText(`${g1}`, W - R, H - 6); ctx.textAlign = "center";
  ctx.fillText("generation", L + (W - L - R) / 2, H - 6);
  ctx.save(); ctx.translate(11, T + (H - T - B) / 2); ctx.rotate(-Math.PI / 2); ctx.fillText("frequency of A", 0, 0); ctx.restore();
  ctx.textAlign = "left";
  // Marks: the scenario's events and the page's own (a parameter moved,
  // an event triggered), as dotted verticals; p̂* of the diagram's
  // platform as a dashed horizontal.
  ctx.save(); ctx.setLineDash([2, 3]); ctx.strokeStyle = "#888"; ctx.fillStyle = "#555";
  // Labels of marks close together go on rows below each other (three,
  // then again from the top), each kept within the chart.
  let lastX = -Infinity, row = 0;
  const all = marks.concat(cs.hello ? cs.hello.events || [] : []).filter((m) => m.g >= g0 && m.g <= g1).sort((a, b) => a.g - b.g);
  for (const m of all) {
    const x = X(m.g);
    ctx.beginPath(); ctx.moveTo(x, T); ctx.lineTo(x, H - B); ctx.stroke();
    row = x - lastX < 140 ? (row + 1) % 3 : 0;
    lastX = x;
    let label = m.label;
    while (label.length > 8 && ctx.measureText(label).width > W - L - R - 6) label = label.slice(0, -2);
    if (label !== m.label) label += "…";
    ctx.fillText(label, Math.max(L + 2, Math.min(x + 3, W - R - ctx.measureText(label).width)), T + 10 + 12 * row);
  }
  // Each platform's p̂* (in its colour when there are several).
  const several = cs.phaseList.length > 1;
  cs.phaseList.forEach((ph, k) => {
    const ps = ph && ph.pstar;
    if (!ps) return;
    ctx.setLineDash([6, 4]); ctx.strokeStyle = several ? PLATFORM_COLORS[k % 5] : "#b8860b"; ctx.fillStyle = ctx.strokeStyle;
    ctx.beginPath(); ctx.moveTo(L, Y(ps)); ctx.lineTo(W - R, Y(ps)); ctx.stroke();
    ctx.fillText(`${several ? ph.platform + " " : ""}p̂* = ${ps.toFixed(3)}${ph.outcome === "bistable" ? " (threshold)" : ""}`, W - R - 150, Y(ps) - 4);
  });
  ctx.restore();
  series.forEach((s, k) => {
    for (const [col, dash] of [[1, []], [2, [5, 4]]]) {
      ctx.strokeStyle = PLATFORM_COLORS[k % 5]; ctx.lineWidth = 2; ctx.setLineDash(dash);
      ctx.beginPath();
      let pen = false;
      for (const pt of s) {
        if (isNaN(pt[col])) { pen = false; continue; }
        if (pen) ctx.lineTo(X(pt[0]), Y(pt[col])); else ctx.moveTo(X(pt[0]), Y(pt[col]));
        pen = true;
      }
      ctx.stroke();
    }
  });
  ctx.setLineDash([]);
}

// ---- phase diagram ----

// Every platform has its own diagram (its own parameters): the large
// one shows the platform in focus, the small ones beside it every
// platform at once.
function onPhase(ph) {
  cs.phases++;
  cs.phaseList[ph.index] = ph;
  if (ph.index === Math.max(focus, 0)) showPhase(ph);
  drawThumb(ph.index);
  drawChart(); // p̂* lines
}

function showPhase(ph) {
  cs.lastPhase = ph;
  drawPhase($("phase"), ph, true);
  const window_ = ph.mode === "v" ? "The window shows every v in [0, 1] with the other parameters fixed." : "The window shows every T_B in [0, 1] for this T_A; the dashed line is T_A = T_B.";
  let note = `${ph.platform}: the crosshairs mark the current parameters, in the ${ph.outcome} region (${ph.description}). ${window_}`;
  if (ph.kind === "network") note += ` On a network the diagram uses the effective α = ${(+ph.alpha).toFixed(3)}, the chance that a node's donor is its partner (the mean of 1/k over nodes, less with a feed); the simulation follows its boundaries only approximately, as on a lattice.`;
  else if (ph.lattice) note += ` On a lattice the diagram uses the effective α = ${(+ph.alpha).toFixed(3)}; the simulation follows its boundaries only approximately (paper, Figure 4).`;
  $("phaseNote").textContent = note;
  for (const d of $("regions").children) d.classList.toggle("current", d.dataset.outcome === ph.outcome);
  for (const t of $("phaseThumbs").children) t.classList.toggle("current", +t.dataset.index === ph.index);
}

// drawThumb draws platform k's small diagram (when there are several).
function drawThumb(k) {
  const box = $("phaseThumbs"), ph = cs.phaseList[k];
  if (!ph || !cs.hello || cs.hello.platforms.length < 2) return;
  let t = box.querySelector(`[data-index="${k}"]`);
  if (!t) {
    t = document.createElement("figure");
    t.dataset.index = k;
    t.title = "show this platform's diagram";
    t.innerHTML = `<canvas width="150" height="112"></canvas><figcaption></figcaption>`;
    t.onclick = () => { if (cs.role !== "student") { $("platform").value = k; $("platform").onchange(); } else if (cs.phaseList[k]) showPhase(cs.phaseList[k]); };
    const after = [...box.children].find((c) => +c.dataset.index > k);
    box.insertBefore(t, after || null);
  }
  drawPhase(t.querySelector("canvas"), ph, false);
  const cap = t.querySelector("figcaption");
  cap.textContent = `${ph.platform}: ${ph.outcome}`;
  cap.style.color = PLATFORM_COLORS[k % 5];
  t.classList.toggle("current", cs.lastPhase && cs.lastPhase.index === k);
  t.classList.toggle("mine", cs.role === "student" && cs.class && cs.class.platform === k);
}

// drawPhase draws a diagram: with ticks and axis titles (full), or
// only its regions and crosshairs (a small one).
function drawPhase(cv, ph, full) {
  const ctx = cv.getContext("2d");
  const W = cv.width, H = cv.height, L = full ? 46 : 2, R = full ? 14 : 2, T = full ? 10 : 2, B = full ? 38 : 2; // R: room for the marker at the right edge (v = 1)
  ctx.clearRect(0, 0, W, H);
  const off = document.createElement("canvas");
  off.width = ph.nx; off.height = ph.ny;
  const octx = off.getContext("2d"), img = octx.createImageData(ph.nx, ph.ny);
  for (let j = 0; j < ph.ny; j++) for (let i = 0; i < ph.nx; i++) {
    const code = ph.cells.charCodeAt(j * ph.nx + i) - 48;
    const hex = code < OUTCOMES.length ? OUTCOMES[code].color : "#ffffff";
    const c = [1, 3, 5].map((o) => parseInt(hex.substr(o, 2), 16));
    img.data.set([c[0], c[1], c[2], 255], 4 * ((ph.ny - 1 - j) * ph.nx + i));
  }
  octx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, L, T, W - L - R, H - T - B);
  const X = (x) => L + (W - L - R) * (x - ph.x0) / (ph.x1 - ph.x0), Y = (y) => T + (H - T - B) * (1 - (y - ph.y0) / (ph.y1 - ph.y0));
  ctx.strokeStyle = "#333"; ctx.strokeRect(L, T, W - L - R, H - T - B);
  if (!full) { crosshairs(ctx, X(ph.px), Y(ph.py), 0.6); return; }
  ctx.fillStyle = "#333"; ctx.font = "11px system-ui";
  for (let t = 0; t <= 4; t++) {
    const x = ph.x0 + (ph.x1 - ph.x0) * t / 4, y = ph.y0 + (ph.y1 - ph.y0) * t / 4;
    ctx.textAlign = "center"; ctx.fillText(+x.toFixed(2), X(x), H - B + 14);
    ctx.textAlign = "right"; ctx.fillText(+y.toFixed(2), L - 4, Y(y) + 4);
  }
  if (ph.mode !== "v" && ph.x0 < 0 && ph.x1 > 0) {
    // T_A = T_B: neutral transmission, the line the lesson's bias is read from.
    ctx.save(); ctx.setLineDash([4, 3]); ctx.strokeStyle = "#333";
    ctx.beginPath(); ctx.moveTo(X(0), T); ctx.lineTo(X(0), H - B); ctx.stroke(); ctx.restore();
    const near = [0, 1, 2, 3, 4].some((t) => Math.abs(X(ph.x0 + (ph.x1 - ph.x0) * t / 4) - X(0)) < 26);
    if (!near) { ctx.textAlign = "center"; ctx.fillText("0", X(0), H - B + 14); } // a tick label already there would collide
  }
  ctx.textAlign = "center";
  ctx.fillText(ph.mode === "v" ? "v (vertical transmission)" : "T_A − T_B (transmission bias)", L + (W - L - R) / 2, H - 6);
  ctx.save(); ctx.translate(12, T + (H - T - B) / 2); ctx.rotate(-Math.PI / 2); ctx.fillText("c (cost of cooperation)", 0, 0); ctx.restore();
  crosshairs(ctx, X(ph.px), Y(ph.py), 1);
  ctx.lineWidth = 1; ctx.textAlign = "left";
}

// crosshairs mark the current point, stopping short of it so that thin
// regions at the point (the gold sliver of coexistence) stay visible.
function crosshairs(ctx, px, py, scale) {
  for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
    for (const [col, w] of [["#fff", 3.5], ["#000", 1.5]]) {
      ctx.strokeStyle = col; ctx.lineWidth = w * Math.max(scale, 0.7);
      ctx.beginPath(); ctx.moveTo(px + 5 * scale * dx, py + 5 * scale * dy); ctx.lineTo(px + 13 * scale * dx, py + 13 * scale * dy); ctx.stroke();
    }
  }
  ctx.lineWidth = 1;
}

// ---- a classroom ----

// onHistory fills the chart with the series so far (a page joining a
// running class): -1 marks a value there is none of.
function onHistory(h) {
  h.points.forEach((pts, k) => {
    if (!series[k]) return;
    series[k].length = 0;
    for (const p of pts) series[k].push(p.map((x, i) => (i > 0 && x < 0 ? NaN : x)));
  });
  marks.length = 0;
  for (const m of h.marks || []) marks.push({g: m.g, label: m.label, event: m.label.startsWith("event")});
  cs.histories = (cs.histories || 0) + 1;
  drawChart();
}

// manage posts a teacher's class request (lock, assign, remove).
function manage(body) { return post(body, "api/class"); }
cs.manage = manage;

// applyRole shows a classroom participant's part: the teacher sees the
// code, the students and the lock; a student their platform's culture.
function applyRole() {
  const v = cs.class;
  if (!v || !cs.hello) return;
  const student = v.role === "student";
  document.body.classList.toggle("student", student);
  $("classPanel").classList.remove("hidden");
  const box = $("classJoin");
  box.innerHTML = "";
  box.classList.toggle("locked", v.locked);
  const names = (k) => (cs.hello.platforms[k] ? cs.hello.platforms[k].name : `platform ${k}`);
  if (student) {
    if (!cs.hello.platforms[v.platform]) return; // a new scenario's hello is on its way
    if (focus !== v.platform) {
      focus = v.platform;
      editing = -Infinity;
      if (cs.phaseList[focus]) showPhase(cs.phaseList[focus]);
    }
    const b = document.createElement("b");
    b.textContent = names(v.platform);
    b.style.color = PLATFORM_COLORS[v.platform % 5];
    // The culture's settings that apply to this platform, by symbol.
    const p = cs.hello.platforms[v.platform];
    const mine = SLIDERS.filter((x) => v.culture.includes(x.key) && !((x.wellMixedOnly && p.lattice) || (x.latticeOnly && !p.lattice)))
      .map((x) => x.label.split(" (")[0]);
    box.append(`You are ${v.name}, on `, b, `: you set its culture (${mine.join(", ")}); everyone sees the same world. `);
    if (cs.lastFrame && cs.lastFrame.replaying) box.append("The teacher is replaying the class's history from the start: watch; your controls return when it ends.");
    else if (v.locked) box.append("The teacher has locked the controls.");
  } else {
    const urls = document.createElement("div");
    urls.className = "urls";
    const where = document.createElement("b");
    where.textContent = (v.joinURLs && v.joinURLs.length) ? v.joinURLs.join(" or ") : "this server's address";
    const code = document.createElement("span");
    code.className = "code";
    code.textContent = v.code;
    urls.append("Students: open ", where, " and enter ", code);
    box.append(urls);
    // Who was turned away, and why: the teacher can let them in.
    const why = {full: "the class is full", address: "the most students from one address", blocked: "blocked"};
    if ((v.refused && v.refused.length) || (v.blocked && v.blocked.length)) {
      const r = document.createElement("div");
      r.className = "refused";
      for (const x of v.refused || []) r.append(`refused ${x.count}× from ${x.address} (${why[x.reason] || x.reason}) · `);
      for (const a of v.blocked || []) {
        const ub = document.createElement("button");
        ub.textContent = `unblock ${a}`;
        ub.onclick = () => manage({unblock: a});
        r.append(ub, " ");
      }
      box.append(r);
    }
    $("perAddress").value = v.perAddress;
    $("lock").textContent = v.locked ? "Unlock students' controls" : "Lock students' controls";
    $("lock").classList.toggle("on", v.locked);
    $("classCount").textContent = ` ${v.joined} of ${v.cap} joined` + (v.locked ? " · locked" : "");
    const table = $("students");
    table.innerHTML = "";
    for (const p of v.students || []) {
      const tr = table.insertRow();
      tr.className = p.online ? "" : "off";
      tr.insertCell().textContent = (p.online ? "● " : "○ ") + p.name;
      const sel = document.createElement("select");
      cs.hello.platforms.forEach((q, k) => sel.add(new Option(q.name, k)));
      sel.value = p.platform;
      sel.onchange = () => manage({assign: {id: p.id, platform: +sel.value}});
      tr.insertCell().append(sel);
      const rm = document.createElement("button");
      rm.textContent = "remove";
      rm.title = "out of the class (they may join again with the code)";
      rm.onclick = () => manage({remove: p.id});
      const bl = document.createElement("button");
      bl.textContent = "block";
      bl.title = "out of the class, and no more joins from their device's address";
      bl.onclick = () => manage({block: p.id});
      tr.insertCell().append(rm, " ", bl);
    }
  }
  if (cs.lastFrame) syncControls(cs.lastFrame.params);
}

// ---- controls ----

function speedValue() { return Math.pow(10, 3 * $("speed").value / 1000); }
function setSpeedLabel() { $("speedOut").textContent = speedValue().toFixed(speedValue() < 10 ? 1 : 0) + " generations/s"; }

function wire() {
  $("play").onclick = () => post({action: "play"});
  $("pause").onclick = () => post({action: "pause"});
  $("step").onclick = () => post({action: "step"});
  $("reset").onclick = () => { series.forEach((s) => (s.length = 0)); marks.length = 0; post({action: "reset", seed: +$("seed").value || 0}); };
  $("noticeReset").onclick = () => $("reset").onclick();
  $("replay").onclick = () => { series.forEach((s) => (s.length = 0)); marks.length = 0; return post({action: "replay"}); };
  $("rebuild").onclick = () => rebuild();
  $("csv").onclick = () => {
    const a = document.createElement("a");
    if (STATIC) {
      if (!window.culturesimWasm || !cs.hello) { message("the engine has not started yet", "info"); return; }
      a.href = URL.createObjectURL(new Blob([window.culturesimWasm.seriesCSV()], {type: "text/csv"}));
      a.download = `${cs.hello.scenario}-seed-${cs.lastFrame ? cs.lastFrame.seed : cs.hello.seed}-series.csv`;
    } else {
      a.href = "api/series.csv?session=" + cs.session; a.download = "";
    }
    a.click();
  };
  $("png").onclick = () => savePNG();
  $("reload").onclick = () => post({action: "reload"});
  $("fitnessBox").ontoggle = () => $("fitnessBox").open && drawFitness();
  $("scenarioPick").onchange = () => { if ($("scenarioPick").value) post({action: "scenario", scenario: $("scenarioPick").value}); };
  $("upload").onchange = async () => {
    const f = $("upload").files[0];
    if (!f) return;
    if (f.size > 60000) { message(`${f.name}: ${f.size} bytes; the page takes scenario files up to 60 KB`, "error"); return; }
    await loadScenarioText(f.name, await f.text());
    $("upload").value = "";
  };
  $("speed").oninput = () => { setSpeedLabel(); post({action: "speed", speed: speedValue()}); };
  $("platform").onchange = () => {
    focus = +$("platform").value;
    editing = -Infinity;
    if (cs.phaseList[Math.max(focus, 0)]) showPhase(cs.phaseList[Math.max(focus, 0)]);
    if (cs.lastFrame) syncControls(cs.lastFrame.params);
    buildStructure();
  };
  for (const r of document.querySelectorAll("input[name=selection]"))
    r.onchange = () => post({action: "set", platform: focus, params: {selection: r.value}});
  for (const r of document.querySelectorAll("input[name=phase]"))
    r.onchange = () => post({action: "set", platform: Math.max(focus, 0), phase: r.value});
  $("trigger").onclick = () => {
    const g = cs.lastFrame ? cs.lastFrame.g : 0, pct = (100 * +$("evFraction").value).toFixed(0);
    return post({action: "event", event: {from: +$("evFrom").value, to: +$("evTo").value, fraction: +$("evFraction").value}})
      .then((ok) => { if (ok) { addMark(g, `event: ${pct}% moved`); message("event queued: it acts in the next generation", "info"); } });
  };
  $("lock").onclick = () => manage({lock: !(cs.class && cs.class.locked)});
  $("newCode").onclick = () => manage({newCode: true});
  $("perAddress").onchange = () => manage({perAddress: +$("perAddress").value});
  document.addEventListener("keydown", (e) => {
    if (e.code === "Space" && e.target.tagName !== "INPUT" && cs.role !== "student") {
      e.preventDefault();
      post({action: cs.lastFrame && cs.lastFrame.running ? "pause" : "play"});
    }
  });
}

let retry = 3000; // a classroom page's wait before it reconnects (doubling to a minute)

function connect() {
  if (STATIC) {
    // The engine compiled to WebAssembly: load it, then start a session
    // whose stream calls back here as the server's events would.
    const handlers = {
      hello: (h) => { cs.session = h.session; build(h); $("status").textContent = "running in this page (WebAssembly)"; },
      frame: onFrame, phase: onPhase, ping: () => {},
    };
    $("status").textContent = "loading the engine…";
    const go = new Go();
    const t0 = performance.now();
    // instantiateStreaming needs the server to say application/wasm;
    // some static servers do not, so the bytes are the fallback.
    const load = WebAssembly.instantiateStreaming ? WebAssembly.instantiateStreaming(fetch(STATIC.wasm), go.importObject)
      .catch(() => fetch(STATIC.wasm).then((r) => r.arrayBuffer()).then((b) => WebAssembly.instantiate(b, go.importObject)))
      : fetch(STATIC.wasm).then((r) => r.arrayBuffer()).then((b) => WebAssembly.instantiate(b, go.importObject));
    load.then((r) => {
      go.run(r.instance);
      cs.wasmLoadMs = performance.now() - t0;
      // A handler's exception must not reach the engine (it would stop it).
      const onEvent = (event, data) => {
        try { if (handlers[event]) handlers[event](JSON.parse(data)); } catch (e) { console.error(e); message("the page failed to draw: " + e, "error"); }
      };
      const err = window.culturesimWasm.start(STATIC.scenario || "", onEvent);
      if (err) message(err, "error");
    }).catch((e) => { $("status").textContent = "the engine did not load: " + e; });
    return;
  }
  const es = new EventSource("api/stream");
  es.addEventListener("hello", (e) => {
    // A classroom's page that reconnects gets the same hello: it keeps
    // its chart (a new scenario's hello differs).
    if (cs.class && e.data === cs.helloData) { $("status").textContent = "connected"; retry = 3000; return; }
    cs.helloData = e.data;
    const h = JSON.parse(e.data); cs.session = h.session; build(h); applyRole(); $("status").textContent = "connected"; retry = 3000;
  });
  es.addEventListener("frame", (e) => onFrame(JSON.parse(e.data)));
  es.addEventListener("phase", (e) => onPhase(JSON.parse(e.data)));
  es.addEventListener("history", (e) => onHistory(JSON.parse(e.data)));
  es.addEventListener("class", (e) => { cs.class = JSON.parse(e.data); cs.role = cs.class.role; applyRole(); });
  es.onerror = async () => {
    if (es.readyState !== EventSource.CLOSED && cs.class) {
      $("status").textContent = "reconnecting to the class…"; // the browser retries by itself
      return;
    }
    es.close();
    // Refused or closed: in a classroom the world goes on without this
    // page; ask whether it is still in the class.
    let who = null;
    try { const r = await fetch("api/whoami"); who = r.status === 401 ? "out" : r.ok ? "in" : null; } catch (x) { who = null; }
    if (who === "out") { location.href = "./?left=1"; return; } // removed, or a new server: the join form
    if (who === "in" || cs.class) {
      $("status").textContent = `the class did not take this page (too many of your pages open, or too many requests); trying again in ${retry / 1000} s`;
      setTimeout(connect, retry);
      retry = Math.min(2 * retry, 60000);
      return;
    }
    $("status").textContent = "disconnected — reload the page for a new simulation"; cs.session = null;
  };
}

wire();
connect();
