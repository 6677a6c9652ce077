// threads.js - the threads of the process shown: a list (OS tids, from
// threads/<tid>: created, exited and the time slices it ran), a strip
// under the timeline with each thread's slices on its own row, and
// switching: a click on a thread goes to the moment it runs nearest the
// current t (inside its slice, or the end of its last slice before t, or
// the start of its next one).  Registers and the backtrace follow from
// the moment; the memory view follows too: each thread keeps the address
// it was shown at, and a thread seen for the first time is shown at its
// rsp (the memory view used to stay on the old thread's stack).
import * as api from './api.js';
import { el } from './panels.js';

const COLORS = ['#3f6fd8', '#2a9d55', '#c77d0a', '#9b4dca', '#d85c5c', '#1b9aaa', '#7a8a00', '#b5487a'];
const MAX_ROWS = 8;

// threads/<tid> text -> {tid, created, by, started, exited, slices: [[a, b), ...]}
export function parseThread(text) {
	const th = { tid: null, created: null, by: null, exited: null, slices: [] };
	for (const line of text.split('\n')) {
		const f = line.trim().split(/\s+/);
		if (f[0] === 'tid')
			th.tid = parseInt(f[1], 10);
		else if (f[0] === 'ran' && f.length >= 3)
			th.slices.push([parseInt(f[1], 10), parseInt(f[2], 10)]);
		else if (f[0] === 'created' || f[0] === 'started') {
			th.created = parseInt(f[1], 10);
			if (f[2] === 'by')
				th.by = parseInt(f[3], 10);
		} else if (f[0] === 'exited')
			th.exited = parseInt(f[1], 10);
	}
	return th;
}

// The moment thread th runs nearest t.
export function nearestRun(th, t) {
	let before = null;
	for (const [a, b] of th.slices) {
		if (t >= a && t < b)
			return t;
		if (b <= t)
			before = b - 1;
		else
			return before !== null && t - before <= a - t ? before : a;
	}
	return before;
}

export class ThreadsPanel {
	// ctx: { prefix(), go(t), status(text), mem (the MemPanel), end() }
	constructor(ctx) {
		this.ctx = ctx;
		this.body = document.getElementById('threads-body');
		this.strip = document.getElementById('thread-strip');
		this.canvas = document.getElementById('thread-canvas');
		this.threads = [];
		this.tid = null;       // the thread of the moment shown
		this.memAt = new Map(); // tid -> the memory view's address for it
		this.body.addEventListener('click', (ev) => {
			const row = ev.target.closest('.th-row');
			if (row)
				this.switchTo(parseInt(row.dataset.tid, 10));
		});
		this.strip.addEventListener('click', (ev) => {
			const r = this.strip.getBoundingClientRect();
			const n = Math.min(this.threads.length, MAX_ROWS);
			const row = Math.floor((ev.clientY - r.top) / (r.height / Math.max(1, n)));
			const th = this.threads[row];
			if (th) {
				const t = Math.round((ev.clientX - r.left) / r.width * this.ctx.end());
				const at = nearestRun(th, t);
				if (at !== null)
					this.ctx.go(at);
			}
		});
		new ResizeObserver(() => this.draw()).observe(this.strip);
	}

	async load() {
		this.threads = [];
		this.memAt.clear();
		this.tid = null;
		const prefix = this.ctx.prefix();
		try {
			const d = await api.tree(prefix + 'threads');
			const names = (d.entries || []).map((e) => e.name).filter((n) => /^\d+$/.test(n));
			const texts = await Promise.all(names.map((n) => api.tree(prefix + 'threads/' + n)));
			this.threads = texts.map((t) => parseThread(t));
		} catch (e) {
			this.body.replaceChildren(el('div', 'none', 'threads: ' + e.message));
		}
		this.strip.hidden = this.threads.length < 2;
		this.render();
		this.draw();
	}

	render() {
		const rows = this.threads.map((th, i) => {
			const row = el('div', 'th-row' + (th.tid === this.tid ? ' cur' : ''));
			row.dataset.tid = th.tid;
			row.title = 'switch to thread ' + th.tid + ': the moment it runs nearest the current t';
			const sw = el('span', 'th-swatch');
			sw.classList.add('th-c' + (i % COLORS.length));
			const ran = th.slices.reduce((n, [a, b]) => n + (b - a), 0);
			row.append(sw, el('span', 'th-tid', 'tid ' + th.tid),
				el('span', 'th-what', (th.by ? 'created at t=' + th.created + ' by ' + th.by : 'main thread') +
					(th.exited !== null ? ', exited at t=' + th.exited : '') + ', ' + th.slices.length +
					' slices, ' + ran + ' instructions'));
			return row;
		});
		if (!rows.length)
			rows.push(el('div', 'none', 'no threads'));
		this.body.replaceChildren(...rows);
	}

	draw() {
		const c = this.canvas;
		const w = this.strip.clientWidth, h = this.strip.clientHeight;
		if (!w || !h || this.strip.hidden)
			return;
		const dpr = window.devicePixelRatio || 1;
		c.width = Math.round(w * dpr);
		c.height = Math.round(h * dpr);
		c.style.width = w + 'px';
		c.style.height = h + 'px';
		const g = c.getContext('2d');
		g.scale(dpr, dpr);
		g.clearRect(0, 0, w, h);
		const n = Math.min(this.threads.length, MAX_ROWS);
		const rh = h / Math.max(1, n);
		const end = Math.max(1, this.ctx.end());
		this.threads.slice(0, n).forEach((th, i) => {
			g.fillStyle = COLORS[i % COLORS.length];
			g.globalAlpha = th.tid === this.tid ? 1 : 0.45;
			for (const [a, b] of th.slices) {
				const x0 = a / end * w, x1 = b / end * w;
				g.fillRect(x0, i * rh + 1, Math.max(1, x1 - x0), rh - 2);
			}
		});
		g.globalAlpha = 1;
	}

	// A new moment: when its thread is another one, the memory view moves
	// to what that thread was last shown at, or to its rsp.
	onMoment(m) {
		const tid = m.thread;
		if (tid === undefined || tid === null || tid === this.tid)
			return;
		const mem = this.ctx.mem;
		if (this.tid !== null && mem.addr !== null)
			this.memAt.set(this.tid, mem.addr);
		const first = this.tid === null;
		this.tid = tid;
		this.render();
		this.draw();
		if (first)
			return; // the memory view starts at rsp by itself
		const saved = this.memAt.get(tid);
		if (saved !== undefined)
			mem.show(saved);
		else if (m.regs && m.regs.rsp)
			mem.show(Number(BigInt(m.regs.rsp)));
	}

	switchTo(tid) {
		const th = this.threads.find((x) => x.tid === tid);
		const m = this.ctx.moment();
		if (!th || !m)
			return;
		const at = nearestRun(th, m.t);
		if (at === null) {
			this.ctx.status('thread ' + tid + ' never runs');
			return;
		}
		this.ctx.go(at);
	}
}
