// main.js - Hindsight's web UI: one moment t at a time, every panel live.
//
// State: the moment shown (the /api/moment answer for t), the one shown
// before it (for "changed" highlights), the image.  Moving anywhere goes
// through go(t): it updates the URL (#t=T, so back/forward and shared
// links work), fetches the moment (one round trip; answers are cached and
// the neighbours prefetched), then renders every panel.  Only the newest
// request is drawn, so scrubbing the timeline never shows a stale moment.
import * as api from './api.js';
import { VList, firstAfter } from './vlist.js';
import { $, RegsPanel, MemPanel, renderDisasm, renderBacktrace,
	parseWhere } from './panels.js';
import { SourcePanel } from './source.js';
import { Timeline } from './timeline.js';
import { Search } from './search.js';
import { CallsPanel } from './calls.js';
import { FlowPanel } from './flow.js';
import { ThreadsPanel } from './threads.js';
import { CrashBanner } from './crash.js';
import { fillProcs } from './procs.js';
import { VarsPanel, exprAddress } from './vars.js';

const CACHE_MAX = 512;
const params = new URLSearchParams(location.search);
const PREFETCH = params.get('prefetch') !== '0';

const S = {
	info: null,
	image: 0,
	t: null,          // the moment asked for last
	view: 0,          // ... its view (time/<t>.<view>: inlined copies shown)
	m: null,          // the moment shown
	prev: null,       // the moment shown before it
	seq: 0,
	cache: new Map(), // "image:t.view" -> moment promise
	notes: [],
	list: 'events',
	rendered: 0,      // counts renders: tests and the bench wait on it
};
window.hindsight = S; // for the browser tests and the bench

function status(text, isError) {
	const s = $('status');
	s.textContent = text || '';
	s.classList.toggle('error', !!isError);
}

// Tree paths of the image shown: the top level is the first image.
function prefix() {
	if (!S.info || S.image === 0)
		return '';
	return 'processes/' + S.info.images[S.image].name + '/';
}

function tEnd() {
	if (!S.info)
		return 0;
	const img = S.info.images && S.info.images[S.image];
	return img ? img.t_end : S.info.t_end;
}

function fetchMoment(t, view) {
	const key = S.image + ':' + t + '.' + (view || 0);
	let p = S.cache.get(key);
	if (p) {
		// refresh its place in the LRU order
		S.cache.delete(key);
		S.cache.set(key, p);
		return p;
	}
	p = api.moment(t, S.image, view);
	p.catch(() => S.cache.delete(key));
	S.cache.set(key, p);
	if (S.cache.size > CACHE_MAX)
		S.cache.delete(S.cache.keys().next().value);
	return p;
}

// The moment about to be shown is no longer wanted.
function stale(m) {
	return S.m !== m;
}

// ---- moving -------------------------------------------------------------------------

// The URL of moment t (in view `view`, default the one shown) as shown:
// the image, the memory address the user chose and the list open go with
// it, so a shared link opens the same view.
function hashOf(t, view = S.view) {
	let h = '#t=' + t + (view ? '&view=' + view : '') + (S.image ? '&image=' + S.image : '');
	if (mem && mem.chosen !== undefined)
		h += '&mem=0x' + mem.chosen.toString(16);
	if (S.list !== 'events')
		h += '&list=' + S.list;
	return h;
}

// While a URL the user followed is being applied, it is not rewritten
// from the state it replaces (Chrome fires popstate during the click:
// switching the image rewrote "#t=854&image=1" as "#t=<the old t>&image=1",
// which then named a t past that image's end).
let applyingHash = false;

// The view changed at the same moment: the URL says so, in place.
function rehash() {
	if (!applyingHash && S.t !== null && location.hash !== hashOf(S.t))
		history.replaceState(null, '', hashOf(S.t));
}

// go(t): show moment t (in view `view`: time/<t>.<view>, where inlined
// copies start; 0 the moment itself).  how: 'push' (a new history entry,
// the default), 'replace' (scrubbing), 'none' (already in the URL:
// hashchange).
function go(t, how, view = 0) {
	t = Math.max(0, Math.min(tEnd(), Math.round(t)));
	const hash = hashOf(t, view);
	if (how !== 'none' && location.hash !== hash) {
		if (how === 'replace')
			history.replaceState(null, '', hash);
		else
			history.pushState(null, '', hash);
	}
	return show(t, view);
}

async function show(t, view = 0) {
	const seq = ++S.seq;
	S.t = t;
	S.view = view;
	mem.prefetch(prefix() + 'time/' + t + '/mem');
	let m;
	try {
		m = await fetchMoment(t, view);
	} catch (e) {
		if (seq === S.seq)
			status('t=' + t + (view ? '.' + view : '') + ': ' + e.message, true);
		return;
	}
	if (seq !== S.seq)
		return;
	if (S.m !== m) {
		S.prev = S.m;
		S.m = m;
	}
	render();
	if (PREFETCH)
		prefetch(m);
}

// The moments one click away: step buttons then feel instant.
function prefetch(m) {
	const l = m.links || {}, lv = m.link_views || {};
	for (const k of ['next', 'prev', 'next-line', 'prev-line'])
		if (typeof l[k] === 'number') {
			fetchMoment(l[k], lv[k]).catch(() => {});
			mem.prefetch(prefix() + 'time/' + l[k] + '/mem');
		}
}

const LISTS = ['events', 'syscalls', 'output', 'notes', 'flow', 'threads'];
const LINKS = ['next', 'prev', 'next-line', 'prev-line', 'finish', 'caller', 'step-into', 'step-back'];

function render() {
	const m = S.m;
	const t0 = performance.now();
	status('');
	// a view of the moment (inlined copies shown at their first instruction)
	const tv = m.t + (m.view ? '.' + m.view : '');
	$('t-now').textContent = 't = ' + tv + ' / ' + tEnd() + (m.thread !== undefined ? '   tid ' + m.thread : '');
	$('goto-t').placeholder = String(m.t);
	document.title = 'Hindsight t=' + tv;
	const links = m.links || {};
	for (const k of LINKS) {
		const b = $('b-' + k);
		const v = links[k];
		b.disabled = typeof v !== 'number';
		// a server without step-into/step-back sends no such key: no button
		if (k === 'step-into' || k === 'step-back')
			b.hidden = !(k in links);
	}
	const w = parseWhere(m.where);
	$('b-next-exec').disabled = $('b-prev-exec').disabled = !w;
	// Changed registers are those the instruction before t changed: compare
	// with moment t-1 (the one stepped from, or prefetched; else fetched).
	const before = S.prev && S.prev.t === m.t - 1 && !S.prev.view ? S.prev : null;
	regs.render(m, before);
	if (!before && m.t > 0) {
		fetchMoment(m.t - 1).then((p) => {
			if (!stale(m))
				regs.render(m, p);
		}).catch(() => {});
	}
	renderDisasm(m);
	renderBacktrace(m, (t) => go(t));
	vars.render(m);
	timeline.setT(m.t);
	for (const h of [flow, threads, crash])
		h.onMoment(m);
	const pending = [source.render(m), mem.render(m)];
	S.rendered++;
	S.renderMs = performance.now() - t0;
	Promise.all(pending).then(() => {
		if (!stale(m)) {
			S.settled = m.t; // every panel of this moment is drawn
			document.body.dataset.t = m.t;
			if (S.firstSettled === undefined)
				S.firstSettled = performance.now();
			window.dispatchEvent(new CustomEvent('hindsight-settled', { detail: m.t }));
			markListSoon();
		}
	});
}

// The open list marks its last line at or before t: a binary search of
// about log2(lines) one-line requests, so it waits until moving pauses.
let markTimer = null;
function markListSoon() {
	clearTimeout(markTimer);
	markTimer = setTimeout(() => nowInList(false), 250);
}

async function nowInList(scroll) {
	if (S.list === 'notes' || !S.m || !list.path)
		return;
	const path = list.path, t = S.m.t;
	try {
		const at = await firstAfter(path, t, false);
		if (list.path !== path || !S.m || S.m.t !== t)
			return;
		const i = at.index - 1;
		if (scroll)
			await list.showIndex(Math.max(0, i));
		list.setCurrent(i);
	} catch (e) {
		// the list says why itself
	}
}

function stepLink(name) {
	const v = S.m && S.m.links ? S.m.links[name] : null;
	const views = S.m && S.m.link_views ? S.m.link_views : {};
	if (typeof v === 'number')
		go(v, undefined, views[name] || 0);
	else
		status('no ' + name + ' from t=' + (S.m ? S.m.t : '?'));
}

// The next (dir 1) or previous (dir -1) execution of line `line` of the
// current file, from lines/<file>/<line> ("<t> ..." per start, by t).
async function runToLine(line, dir) {
	const m = S.m;
	if (!m || !source.linesPath) {
		status('no line information here');
		return;
	}
	const path = source.linesPath + '/' + line;
	try {
		// the first start after t, or the last one before t (a start at
		// exactly t is where we are: skipped both ways)
		const at = await firstAfter(path, m.t, dir < 0);
		const idx = dir > 0 ? at.index : at.index - 1;
		if (idx < 0 || idx >= at.total) {
			status('no ' + (dir > 0 ? 'later' : 'earlier') + ' execution of line ' + line);
			return;
		}
		const r = await api.lines(path, idx, 1);
		go(parseInt(r.lines[0], 10));
	} catch (e) {
		status(path + ': ' + e.message, true);
	}
}

function runToCurrentLine(dir) {
	const w = S.m && parseWhere(S.m.where);
	if (!w) {
		status('no source information at t=' + (S.m ? S.m.t : '?'));
		return;
	}
	runToLine(w.line, dir);
}

// ---- dataflow -----------------------------------------------------------------------

// Lands on the moment the writing instruction is about to run (t' - 1 for a
// write that is visible from t'), so the source and disassembly show the
// guilty line and instruction; asking again there walks further back.
function landOnWrite(tw, what) {
	const at = tw > 0 ? tw - 1 : 0;
	$('mem-origin').textContent = what + ' written at t=' + tw + ' (by the instruction at t=' + at + ', shown)';
	flow.landed(at);
	go(at);
}

async function originMem(addr, len = 1) {
	const m = S.m;
	S.chain = flow.startMem(m.t, addr);
	try {
		const o = await api.originMem(m.t, addr, len, S.image);
		landOnWrite(o.t, 'byte 0x' + addr.toString(16) + ': ' + (o.kind || 'write') +
			' of ' + o.len + ' byte(s) at ' + o.addr + ',');
	} catch (e) {
		$('mem-origin').textContent = 'byte 0x' + addr.toString(16) + ': ' +
			(e.status === 404 ? 'never written before t=' + m.t + ' (initial contents)' : e.message);
	}
}

async function originReg(reg) {
	const m = S.m;
	S.chain = flow.startReg(m.t, reg, m.regs && m.regs[reg]);
	try {
		const o = await api.originReg(m.t, reg, S.image);
		landOnWrite(o.t, reg + ':');
	} catch (e) {
		$('mem-origin').textContent = reg + ': ' + (e.status === 501 ?
			'the server cannot trace registers yet (501)' : e.message);
	}
}

// ---- lists and notes ------------------------------------------------------------------

// The tabs that are no list of a tree file: their own pane.
const PANES = { notes: 'notes-body', flow: 'flow-body', threads: 'threads-body' };

function openList(name) {
	S.list = name;
	for (const b of document.querySelectorAll('.tab'))
		b.classList.toggle('on', b.dataset.list === name);
	const pane = PANES[name];
	for (const p of Object.values(PANES))
		$(p).hidden = p !== pane;
	$('list-now').hidden = !!pane;
	$('list-body').hidden = !!pane;
	if (pane && name !== 'notes') {
		$('cap-list').textContent = name === 'threads' ? prefix() + 'threads' : '';
		rehash();
		return;
	}
	const isNotes = name === 'notes';
	if (isNotes) {
		$('cap-list').textContent = '/api/notes';
		rehash();
		renderNotes();
		return;
	}
	$('cap-list').textContent = prefix() + name;
	rehash();
	if (list.path === prefix() + name)
		return; // already open: keep its scroll position
	list.current = -1;
	S.listOpened = list.open(prefix() + name).then(() => nowInList(true));
}

async function loadNotes() {
	try {
		S.notes = await api.notes();
	} catch (e) {
		status('notes: ' + e.message, true);
		S.notes = [];
	}
	S.notes.sort((a, b) => a.t - b.t);
	timeline.setNotes(S.notes);
	renderNotes();
}

function renderNotes() {
	const ul = $('notes-list');
	const items = S.notes.map((n) => {
		const li = document.createElement('li');
		li.className = 'note';
		li.dataset.id = n.id;
		const a = document.createElement('a');
		a.href = '#t=' + n.t;
		a.className = 'nt';
		a.textContent = 't=' + n.t;
		const txt = document.createElement('span');
		txt.className = 'ntext';
		txt.textContent = n.text;
		const del = document.createElement('button');
		del.className = 'ndel';
		del.textContent = 'delete';
		del.addEventListener('click', async () => {
			try {
				await api.deleteNote(n.id);
			} catch (e) {
				status('delete note: ' + e.message, true);
			}
			loadNotes();
		});
		li.append(a, txt, del);
		return li;
	});
	if (items.length === 0) {
		const li = document.createElement('li');
		li.className = 'none';
		li.textContent = 'no notes yet';
		items.push(li);
	}
	ul.replaceChildren(...items);
}

async function addNote() {
	const text = $('note-text').value.trim();
	if (!text || !S.m)
		return;
	try {
		await api.addNote(S.m.t, text);
		$('note-text').value = '';
	} catch (e) {
		status('add note: ' + e.message, true);
	}
	loadNotes();
}

// ---- go to ---------------------------------------------------------------------------

function gotoText(text) {
	text = text.trim();
	const marks = (S.info && S.info.marks) || {};
	if (/^\d+$/.test(text))
		return go(parseInt(text, 10));
	if (/^\d+\.[1-9]\d{0,8}$/.test(text)) // a view of the moment, as calls/ names it
		return go(parseInt(text, 10), undefined, parseInt(text.split('.')[1], 10));
	if (typeof marks[text] === 'number')
		return go(marks[text]);
	status('go to: "' + text + '" is not a time (a number, or ' +
		Object.keys(marks).filter((k) => typeof marks[k] === 'number').join(', ') + ')', true);
}

// The URL's #t and #image, strictly: decimal numbers, an image that
// exists, a t no later than the image's end.  What does not fit is named
// in bad (the caller says so and rewrites the URL): `0x100`, `1e3`, `-5`
// once became a moment nobody asked for without a word.
function hashT() {
	const h = new URLSearchParams(location.hash.slice(1));
	const ts = h.get('t'), is = h.get('image');
	const n = S.info ? S.info.images.length : 1;
	const ms = h.get('mem'), ls = h.get('list');
	const vs = h.get('view');
	const r = { t: null, view: 0, image: 0, mem: null, list: null, bad: [] };

	if (vs !== null) {
		if (/^[1-9]\d{0,8}$/.test(vs))
			r.view = parseInt(vs, 10);
		else
			r.bad.push('view=' + vs + ' (a view of the moment: 1, 2...)');
	}

	if (ms !== null) {
		if (/^0x[0-9a-fA-F]{1,13}$/.test(ms))
			r.mem = Number(ms);
		else
			r.bad.push('mem=' + ms + ' (an address: 0x...)');
	}
	if (ls !== null) {
		if (LISTS.includes(ls))
			r.list = ls;
		else
			r.bad.push('list=' + ls + ' (one of ' + LISTS.join(', ') + ')');
	}

	if (is !== null) {
		if (/^\d+$/.test(is) && parseInt(is, 10) < n)
			r.image = parseInt(is, 10);
		else
			r.bad.push('image=' + is + ' (the recording has ' + n + ')');
	}
	if (ts !== null) {
		if (!/^\d+$/.test(ts))
			r.bad.push('t=' + ts + ' (t is a decimal number of instructions)');
		else
			r.t = parseInt(ts, 10);
	}
	return r;
}

// After moving to the URL's moment: say what in it did not fit, and put
// the moment shown in the URL instead.
function hashProblems(h) {
	const end = S.info ? S.info.images[h.image].t_end : null;

	if (h.t !== null && end !== null && h.t > end)
		h.bad.push('t=' + h.t + ' (past the end, ' + end + ')');
	if (!h.bad.length)
		return false;
	history.replaceState(null, '', hashOf(S.t));
	status('the link\'s ' + h.bad.join(', ') + ' did not fit: showing t=' + S.t, true);
	return true;
}

async function onHash() {
	const h = hashT();
	if (h.t === null && !h.bad.length)
		return;
	applyingHash = true;
	try {
		if (h.image !== S.image && S.info)
			setImage(h.image, false);
		applyView(h);
	} finally {
		applyingHash = false;
	}
	if (h.t !== null && (h.t !== S.t || h.view !== S.view))
		await go(h.t, 'none', h.view);
	hashProblems(h);
}

// The memory address and the list a link names.
function applyView(h) {
	if (h.list && h.list !== S.list)
		openList(h.list);
	if (h.mem !== null && h.mem !== mem.chosen)
		mem.show(h.mem);
}

function setImage(i, move) {
	S.image = i;
	calls.close(); // its rows are another image's
	$('image').value = String(i);
	S.m = S.prev = null;
	timeline.setEnd(tEnd());
	timeline.loadEvents(prefix() + 'syscalls');
	crash.load(S.info.marks || {});
	threads.load();
	openList(S.list);
	if (move)
		go(0);
}

// ---- search (search.js, calls.js) ------------------------------------------------------

async function onSearchPick(r) {
	try {
		if (r.kind === 'function')
			await calls.openCalls(r.name);
		else if (r.kind === 'line' && r.ran)
			await calls.openLine(r.path, r.line);
		else if (r.kind === 'line' || r.kind === 'file')
			await source.showFile(r.path, r.line || 0);
		else if (r.kind === 'variable' || r.kind === 'symbol')
			await mem.show(Number(BigInt(r.addr)));
		if (r.kind === 'variable' && /^[A-Za-z_]\w*$/.test(r.name))
			vars.watch(r.name); // its value too, as gdb's print shows it
		else if (typeof r.t === 'number')
			await go(r.t);
		if (r.kind === 'line' && !r.ran)
			status(r.name + ' did not run');
	} catch (e) {
		status(r.name + ': ' + e.message, true);
	}
}

// ---- keys ------------------------------------------------------------------------------

const KEYS = {
	's': () => stepLink('next'), 'ArrowRight': () => stepLink('next'),
	'S': () => stepLink('prev'), 'ArrowLeft': () => stepLink('prev'),
	'n': () => stepLink('next-line'), 'ArrowDown': () => stepLink('next-line'),
	'N': () => stepLink('prev-line'), 'ArrowUp': () => stepLink('prev-line'),
	'i': () => stepLink('step-into'), 'I': () => stepLink('step-back'),
	'f': () => stepLink('finish'), 'F': () => stepLink('caller'),
	'l': () => runToCurrentLine(1), 'L': () => runToCurrentLine(-1),
	'g': () => { $('goto-t').value = ''; $('goto-t').focus(); },
	'm': () => { openList('notes'); $('note-text').focus(); },
	'Home': () => go(0), 'End': () => go(tEnd()),
	'?': () => { $('help').hidden = !$('help').hidden; },
	'/': () => search.focus(),
	'Escape': () => { $('help').hidden = true; calls.close(); },
};

function onKey(ev) {
	if (ev.ctrlKey || ev.metaKey || ev.altKey)
		return;
	// the element itself, also inside a shadow root (the source view's
	// search box), where ev.target is only the shadow's host
	const real = ev.composedPath ? ev.composedPath()[0] : ev.target;
	const tag = real.tagName;
	if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') {
		if (ev.key === 'Escape' && real === ev.target)
			real.blur();
		return;
	}
	// in the source text the arrows and Home/End move its cursor
	if (real.isContentEditable && /^(Arrow|Home$|End$|Page)/.test(ev.key))
		return;
	const f = KEYS[ev.key];
	if (f) {
		ev.preventDefault();
		f();
	}
}

// ---- start -------------------------------------------------------------------------------

let regs, source, mem, list, timeline, search, calls, flow, threads, crash, vars;

function wire() {
	const ctx = {
		prefix, stale, status, runToLine, originMem, originReg,
		moment: () => S.m, image: () => S.image, onChoose: rehash,
		exprAddr: (text) => exprAddress(S.m.t, text, S.image),
	};
	vars = new VarsPanel(ctx);
	regs = new RegsPanel(ctx);
	source = new SourcePanel(ctx);
	S.sourcePanel = source; // tests read its current line's text
	mem = new MemPanel(ctx);
	timeline = new Timeline($('timeline'), $('tl-canvas'), $('tl-cursor'), (t, done) => go(t, done ? 'push' : 'replace'));
	S.timeline = timeline; // tests read its view
	const more = {
		prefix, go: (t) => go(t), status, moment: () => S.m, end: tEnd, mem,
		image: () => S.image, imageName: () => S.info && S.info.images[S.image].name,
		openTab: () => openList('flow'), setMarks: (mk) => timeline.setMarks(mk),
		threads: () => threads.threads.length,
		procs: () => S.procs || Promise.resolve(null),
	};
	flow = new FlowPanel(more);
	threads = new ThreadsPanel(more);
	crash = new CrashBanner(more);
	list = new VList($('list-body'), (line) => {
		const t = parseInt(line, 10);
		if (Number.isFinite(t))
			go(t);
	});
	calls = new CallsPanel({ go: (t, view) => go(t, undefined, view), status,
				 image: () => S.image });
	search = new Search($('search-q'), $('search-drop'), () => S.image, onSearchPick, status);
	S.calls = calls;
	for (const k of LINKS)
		$('b-' + k).addEventListener('click', () => stepLink(k));
	$('b-next-exec').addEventListener('click', () => runToCurrentLine(1));
	$('b-prev-exec').addEventListener('click', () => runToCurrentLine(-1));
	$('goto').addEventListener('submit', (ev) => {
		ev.preventDefault();
		gotoText($('goto-t').value);
		$('goto-t').value = ''; // the placeholder says the t shown
		$('goto-t').blur();
	});
	$('note-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		addNote();
	});
	for (const b of document.querySelectorAll('.tab'))
		b.addEventListener('click', () => openList(b.dataset.list));
	$('list-now').addEventListener('click', () => nowInList(true));
	$('b-help').addEventListener('click', () => { $('help').hidden = false; });
	$('help').addEventListener('click', () => { $('help').hidden = true; });
	$('image').addEventListener('change', () => setImage(parseInt($('image').value, 10), true));
	window.addEventListener('hashchange', onHash);
	window.addEventListener('popstate', onHash);
	document.addEventListener('keydown', onKey);
}

function overlay(text) {
	$('overlay').hidden = !text;
	$('overlay-text').textContent = text || '';
}

const PHASES = {
	prepare: 'reading the recording and its debug info',
	build: 'step 1 of 2, decoding',
	merge: 'step 2 of 2, merging',
	open: 'opening it',
};

// Resolves once the database is built: the server builds it itself when
// the trace has none, and reports progress over SSE.
function waitBuilt() {
	return new Promise((resolve) => {
		const es = new EventSource(api.BASE + '/api/events');
		let phase = '';
		es.addEventListener('progress', (ev) => {
			try {
				const p = JSON.parse(ev.data);
				phase = p.phase;
				const pct = p.total ? ' ' + Math.floor(100 * p.done / p.total) + '%' : '';
				overlay('building the database: ' + (PHASES[p.phase] || p.phase || '') + pct);
			} catch (e) {
				overlay('building the database');
			}
		});
		es.addEventListener('ready', () => {
			es.close();
			resolve();
		});
		// after "open" the server hands over to one confined to the
		// database's files: the stream ends and reconnects to it
		es.onerror = () => overlay(phase === 'open' ? 'building the database: opening it'
			: 'lost the server; retrying...');
	});
}

async function start() {
	wire();
	try {
		S.info = await api.info();
		if (!S.info.built) {
			S.waitedForBuild = true;
			overlay('building the database...');
			await waitBuilt();
			S.info = await api.info();
			overlay(null);
		}
	} catch (e) {
		overlay('cannot start: ' + e.message);
		return;
	}
	const sel = $('image');
	sel.replaceChildren(...S.info.images.map((img, i) => {
		const o = document.createElement('option');
		o.value = String(i);
		o.textContent = img.name + ' (' + img.t_end + ' insns)';
		return o;
	}));
	sel.hidden = S.info.images.length < 2;
	if (!sel.hidden)
		S.procs = fillProcs(sel, () => S.image).catch((e) => status('processes: ' + e.message, true));
	const h = hashT();
	S.image = h.image < S.info.images.length ? h.image : 0;
	sel.value = String(S.image);
	timeline.setEnd(tEnd());
	timeline.setMarks(S.info.marks || {});
	S.crashLoaded = crash.load(S.info.marks || {});
	threads.load();
	const marks = S.info.marks || {};
	const t = h.t !== null ? h.t : (typeof marks.main === 'number' ? marks.main : 0);
	if (h.mem !== null)
		mem.show(h.mem); // before the first moment: it draws there
	if (h.list)
		S.list = h.list;
	await go(t, h.t !== null ? 'none' : 'replace', h.t !== null ? h.view : 0);
	hashProblems(h);
	openList(S.list);
	loadNotes();
	timeline.loadEvents(prefix() + 'syscalls');
}

start();
