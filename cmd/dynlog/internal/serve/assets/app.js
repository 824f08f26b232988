// dynlog serve's page. Every piece of log text is inserted with
// textContent: no markup from a log ever reaches the document.
"use strict";

const FILTERS = ["filter", "level", "q", "trace", "request"];
const $ = (id) => document.getElementById(id);

const state = {
  params: new URLSearchParams(location.search),
  before: "", // cursor of the older lines
  after: "",  // cursor of the newer lines
  paused: false,
  generation: 0, // bumped when the filters change: old answers are dropped
};

function filterQuery(extra) {
  const q = new URLSearchParams();
  for (const k of FILTERS) {
    const v = state.params.get(k);
    if (v) q.set(k, v);
  }
  for (const [k, v] of Object.entries(extra || {})) {
    if (v !== undefined && v !== "") q.set(k, v);
  }
  return q.toString();
}

async function getJSON(url, signal) {
  const resp = await fetch(url, { credentials: "same-origin", signal });
  let body;
  try {
    body = await resp.json();
  } catch (e) {
    throw new Error(url + ": HTTP " + resp.status);
  }
  if (!resp.ok) throw new Error(body && body.error ? body.error : "HTTP " + resp.status);
  return body;
}

function showError(err) {
  const p = $("error");
  p.textContent = err ? String(err.message || err) : "";
  p.hidden = !err;
}

function status(text) {
  $("status").textContent = text;
}

// lineElement draws one line: its segments, each a span whose class is
// one of the readable layout's attributes and whose text is the log's.
function lineElement(l) {
  const div = document.createElement("div");
  div.className = "line";
  if (l.level) div.dataset.level = l.level;
  div.dataset.pos = l.stream + ":" + l.pos;
  div.title = l.file + ":" + l.line;
  for (const [cls, text] of l.segs) {
    const span = document.createElement("span");
    if (cls) span.className = cls;
    span.textContent = text;
    div.appendChild(span);
  }
  if (l.note) {
    const cut = document.createElement("span");
    cut.className = "cut";
    cut.textContent = " (" + l.note + ")";
    div.appendChild(cut);
  }
  if (l.trace_id) {
    div.classList.add("traced");
    div.dataset.trace = l.trace_id;
    div.title += " — open the waterfall of trace " + l.trace_id;
    div.addEventListener("click", () => {
      if (window.getSelection && String(window.getSelection())) return; // selecting text
      location.href = "/trace/" + encodeURIComponent(l.trace_id) + "?" + filterQuery();
    });
  }
  return div;
}

// The page holds at most MAX_SHOWN lines: past that, live lines push the
// oldest out, and "older lines" brings them back.
const MAX_SHOWN = 5000;

function trimOldest() {
  const box = $("lines");
  if (box.children.length <= MAX_SHOWN) return;
  const before = state.before.split(".").map(Number);
  const dropped = new Map();
  while (box.children.length > MAX_SHOWN) {
    const el = box.firstChild;
    const [stream, pos] = el.dataset.pos.split(":").map(Number);
    dropped.set(stream, Math.max(dropped.get(stream) ?? -1, pos));
    el.remove();
  }
  const kept = new Map();
  for (const el of box.children) {
    const [stream, pos] = el.dataset.pos.split(":").map(Number);
    if (!kept.has(stream)) kept.set(stream, pos);
  }
  for (const [stream, pos] of dropped) {
    before[stream] = kept.has(stream) ? kept.get(stream) : pos + 1;
  }
  state.before = before.join(".");
  $("older").hidden = false;
}

function atBottom() {
  return window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
}

// ---- the lines view ----

// A request looks at a bounded number of lines; a rare filter's matches
// may need several. The page asks on until it has enough to show, or
// until the files are read through.
const ENOUGH = 100, MAX_ROUNDS = 40;

async function fetchOlder(gen, first) {
  const got = [];
  let page;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const extra = { limit: "300" };
    if (!first || round > 0) extra.before = state.before;
    page = await getJSON("/api/lines?" + filterQuery(extra));
    if (gen !== state.generation) return null;
    if (first && round === 0) state.after = page.after;
    state.before = page.before;
    got.unshift(...page.lines);
    if (got.length >= ENOUGH || !page.more) break;
    status("reading… " + got.length + " lines so far");
  }
  return { lines: got, more: page.more };
}

async function loadLines() {
  const gen = ++state.generation;
  const box = $("lines");
  box.replaceChildren();
  status("loading…");
  try {
    const res = await fetchOlder(gen, true);
    if (!res) return;
    for (const l of res.lines) box.appendChild(lineElement(l));
    $("older").hidden = !res.more;
    window.scrollTo(0, document.body.scrollHeight);
    status(res.lines.length + (res.lines.length === 1 ? " line" : " lines") + (res.more ? " (older above)" : ""));
    showError(null);
    tail(gen);
  } catch (e) {
    status("");
    showError(e);
  }
}

async function loadOlder() {
  const gen = state.generation;
  const box = $("lines");
  const height = document.body.scrollHeight;
  try {
    const res = await fetchOlder(gen, false);
    if (!res) return;
    const frag = document.createDocumentFragment();
    for (const l of res.lines) frag.appendChild(lineElement(l));
    box.insertBefore(frag, box.firstChild);
    $("older").hidden = !res.more;
    window.scrollBy(0, document.body.scrollHeight - height);
    status(box.children.length + " lines" + (res.more ? " (older above)" : ""));
  } catch (e) {
    showError(e);
  }
}

// tail asks for the lines after the newest shown, one long poll at a
// time, for as long as the filters stay the same. Paused, it waits: the
// cursor stays where it was, so nothing is lost and nothing comes twice.
async function tail(gen) {
  while (gen === state.generation) {
    if (state.paused) {
      await new Promise((resolve) => { state.resume = resolve; });
      continue;
    }
    try {
      const page = await getJSON("/api/tail?" + filterQuery({ after: state.after }));
      if (gen !== state.generation) return;
      if (state.paused) continue; // asked again from the same cursor on resume
      const follow = atBottom();
      const box = $("lines");
      for (const l of page.lines) box.appendChild(lineElement(l));
      state.after = page.after;
      trimOldest();
      if (page.lines.length) status("live: " + page.lines.length + " new lines");
      if (follow && page.lines.length) window.scrollTo(0, document.body.scrollHeight);
    } catch (e) {
      if (gen !== state.generation) return;
      showError(e);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

function togglePause() {
  state.paused = !state.paused;
  const b = $("pause");
  b.textContent = state.paused ? "resume" : "pause";
  b.classList.toggle("paused", state.paused);
  status(state.paused ? "paused: new lines wait" : "live");
  if (!state.paused && state.resume) {
    const r = state.resume;
    state.resume = null;
    r();
  }
}

function applyFilters(ev) {
  ev.preventDefault();
  const p = new URLSearchParams();
  for (const k of FILTERS) {
    const v = $("f-" + k).value.trim();
    if (v) p.set(k, v);
  }
  state.params = p;
  const search = p.toString();
  history.pushState(null, "", "/" + (search ? "?" + search : ""));
  loadLines();
}

function fillForm() {
  for (const k of FILTERS) $("f-" + k).value = state.params.get(k) || "";
}

// ---- the trace view ----

function fmtDuration(us) {
  if (us < 1000) return us + "µs";
  if (us < 1000000) return (us / 1000).toFixed(2) + "ms";
  return (us / 1000000).toFixed(3) + "s";
}

// tickStep is the time between the ticks of an axis total µs long: the
// smallest of 1, 2 or 5 times a power of ten that makes at most 8 steps.
function tickStep(total) {
  const raw = total / 8;
  if (raw <= 1) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5]) {
    if (m * p >= raw) return m * p;
  }
  return 10 * p;
}

function safeLink(a, url) {
  if (url && /^https?:\/\//i.test(url)) {
    a.href = url;
    a.hidden = false;
  }
}

async function loadTrace(id) {
  $("lines-view").hidden = true;
  $("older").hidden = true;
  $("filters").hidden = true;
  $("pause").hidden = true;
  $("trace-view").hidden = false;
  const back = new URLSearchParams(location.search);
  $("back").href = "/" + (back.toString() ? "?" + back.toString() : "");
  document.title = "trace " + id + " — dynlog serve";
  status("reading the files for trace " + id + "…");
  let ans;
  try {
    ans = await getJSON("/api/trace/" + encodeURIComponent(id));
  } catch (e) {
    status("");
    showError(e);
    return;
  }
  const t = ans.trace;
  safeLink($("jaeger"), ans.jaeger);
  safeLink($("vlogs"), ans.victorialogs);
  $("trace-title").textContent = "trace " + t.trace_id +
    (t.x_request_id ? "  x_request_id " + t.x_request_id : "") +
    "  " + fmtDuration(t.duration_us) + "  " + t.spans.length + " spans across " + t.services.length + " services";
  const total = Math.max(t.duration_us, 1);
  const axis = $("axis");
  axis.replaceChildren();
  // Ticks at round times (1, 2 or 5 times a power of ten µs apart),
  // labelled in one unit, as an operator reads an axis.
  const step = tickStep(total);
  const [unit, unitName] = step >= 1e6 ? [1e6, "s"] : step >= 1e3 ? [1e3, "ms"] : [1, "µs"];
  for (let i = 0; i * step <= total; i++) {
    const tick = document.createElement("span");
    tick.style.left = (i * step / total * 100) + "%";
    tick.textContent = String(i * step / unit) + unitName;
    axis.appendChild(tick);
  }
  const rows = $("rows");
  rows.replaceChildren();
  for (const s of t.spans) {
    const row = document.createElement("div");
    row.className = "row";
    row.dataset.spanId = s.span_id;
    row.dataset.depth = String(s.depth);
    row.dataset.offsetUs = String(s.offset_us);
    row.dataset.durationUs = String(s.duration_us);
    const name = document.createElement("span");
    name.className = "name";
    name.style.paddingLeft = (s.depth * 1.2) + "em";
    const n = document.createElement("span");
    n.className = "span-name";
    n.textContent = s.span_name;
    const tg = document.createElement("span");
    tg.className = "target";
    tg.textContent = s.target;
    name.append(n, tg);
    const track = document.createElement("span");
    track.className = "track";
    const bar = document.createElement("span");
    bar.className = "bar svc" + (t.services.indexOf(s.target) % 6) + (s.open ? " open" : "") +
      (s.parent_missing || s.parent_loop ? " root-missing" : "");
    bar.style.left = (100 * s.offset_us / total) + "%";
    bar.style.width = (100 * s.duration_us / total) + "%";
    track.appendChild(bar);
    const dur = document.createElement("span");
    dur.className = "dur";
    dur.textContent = fmtDuration(s.duration_us) + (s.open ? " open" : "");
    row.title = s.span_name + " (" + s.target + ") +" + fmtDuration(s.offset_us) + " " + fmtDuration(s.duration_us) +
      (s.open ? ", open" : ", " + fmtDuration(s.busy_us) + " busy, " + fmtDuration(s.idle_us) + " idle") +
      (s.parent_missing ? ", its parent is in no file read" : "") + (s.parent_loop ? ", its parent links loop" : "");
    row.append(name, track, dur);
    row.addEventListener("click", () => spanLines(t.trace_id, s, row));
    rows.appendChild(row);
  }
  status(t.spans.length + " spans");
  showError(null);
}

// spanLines lists the lines of one span, all of them: pages are asked
// for until the files are read through.
async function spanLines(traceId, s, row) {
  for (const r of document.querySelectorAll(".row.selected")) r.classList.remove("selected");
  row.classList.add("selected");
  const title = $("span-title");
  title.textContent = "lines of " + s.span_name + " (" + s.span_id + ")";
  title.hidden = false;
  const box = $("span-lines");
  box.replaceChildren();
  let before = "";
  const all = [];
  try {
    for (let i = 0; i < 50; i++) {
      const page = await getJSON("/api/lines?" + new URLSearchParams(
        Object.assign({ trace: traceId, span: s.span_id, limit: "500" }, before ? { before } : {})).toString());
      all.unshift(...page.lines);
      before = page.before;
      if (!page.more) break;
    }
  } catch (e) {
    showError(e);
  }
  for (const l of all) box.appendChild(lineElement(l));
  box.dataset.count = String(all.length);
}

// ---- start ----

document.addEventListener("DOMContentLoaded", () => {
  $("filters").addEventListener("submit", applyFilters);
  $("pause").addEventListener("click", togglePause);
  $("older").addEventListener("click", loadOlder);
  window.addEventListener("popstate", () => {
    state.params = new URLSearchParams(location.search);
    fillForm();
    loadLines();
  });
  const m = location.pathname.match(/^\/trace\/([^/]+)$/);
  if (m) {
    loadTrace(decodeURIComponent(m[1]));
    return;
  }
  fillForm();
  loadLines();
});
