// timeline.js - the recording's time across the window: an axis with t
// values, syscall marks (a sample of the syscalls file: up to SAMPLES of
// the calls in the range shown), the named marks (main, crash), the notes
// and a cursor.  Click or drag to move (dragging moves with 'replace'
// history entries and the release pushes one).  The wheel zooms around the
// pointer, Shift+wheel (or a sideways wheel) pans, the buttons zoom in, out
// and back to the whole run; hovering says the t under the pointer and
// what is drawn there.  Mark labels never overlap: one that would is left
// out, and its tooltip still names it.
import * as api from './api.js';
import { firstAfter } from './vlist.js';

const SAMPLES = 200;  // syscall lines drawn at most
const MIN_SPAN = 50;  // the narrowest view, in instructions
const NEAR_PX = 4;    // how close the pointer must be to name a mark

// 1234567 -> "1.23M": axis labels.
function short(t) {
	const u = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
	for (const [v, s] of u)
		if (t >= v)
			return +(t / v).toPrecision(3) + s;
	return String(t);
}

// The tick step for a span: 1, 2 or 5 times a power of ten, about 8 ticks.
function tickStep(span, width) {
	const want = span / Math.max(2, Math.floor(width / 90));
	const p = Math.pow(10, Math.floor(Math.log10(Math.max(1, want))));
	for (const m of [1, 2, 5, 10])
		if (p * m >= want)
			return p * m;
	return p * 10;
}

function button(text, title) {
	const b = document.createElement('button');
	b.className = 'tl-btn';
	b.type = 'button';
	b.textContent = text;
	b.title = title;
	return b;
}

export class Timeline {
	constructor(box, canvas, cursor, onPick) {
		this.box = box;
		this.canvas = canvas;
		this.cursor = cursor;
		this.onPick = onPick;
		this.end = 1;
		this.v0 = 0;          // the view: [v0, v1] of t
		this.v1 = 1;
		this.t = 0;
		this.path = null;     // the syscalls file sampled
		this.events = [];     // {t, kind, text} in the view
		this.marks = {};
		this.notes = [];
		this.loadSeq = 0;
		this.tip = document.createElement('div');
		this.tip.className = 'tl-tip';
		this.tip.hidden = true;
		const tools = document.createElement('span');
		tools.className = 'tl-tools';
		const zin = button('+', 'zoom in around the cursor (wheel)');
		const zout = button('\u2212', 'zoom out (wheel)');
		const fit = button('all', 'show the whole run');
		tools.append(zin, zout, fit);
		box.append(this.tip, tools);
		tools.addEventListener('pointerdown', (ev) => ev.stopPropagation());
		zin.addEventListener('click', () => this.zoom(0.25, this.t));
		zout.addEventListener('click', () => this.zoom(4, this.t));
		fit.addEventListener('click', () => this.setView(0, this.end));

		let dragging = false;
		const pick = (ev, done) => this.onPick(this.tAt(ev.clientX), done);
		box.addEventListener('pointerdown', (ev) => {
			dragging = true;
			this.tip.hidden = true;
			box.setPointerCapture(ev.pointerId);
			pick(ev, false);
		});
		box.addEventListener('pointermove', (ev) => {
			if (dragging)
				pick(ev, false);
			else
				this.hover(ev);
		});
		box.addEventListener('pointerup', (ev) => {
			if (dragging)
				pick(ev, true);
			dragging = false;
		});
		box.addEventListener('pointerleave', () => { this.tip.hidden = true; });
		box.addEventListener('wheel', (ev) => {
			ev.preventDefault();
			const dx = ev.shiftKey ? ev.deltaY : ev.deltaX;
			if (Math.abs(dx) > Math.abs(ev.deltaY) || ev.shiftKey) {
				const span = this.v1 - this.v0;
				this.setView(this.v0 + span * dx / 500, this.v1 + span * dx / 500);
			} else if (ev.deltaY) {
				this.zoom(ev.deltaY > 0 ? 1.25 : 0.8, this.tAt(ev.clientX));
			}
		}, { passive: false });
		new ResizeObserver(() => this.draw()).observe(box);
	}

	// ---- the view --------------------------------------------------------------------

	tAt(clientX) {
		const r = this.box.getBoundingClientRect();
		const f = Math.max(0, Math.min(1, (clientX - r.left) / r.width));
		return Math.round(this.v0 + f * (this.v1 - this.v0));
	}

	xOf(t, w) {
		return Math.round((t - this.v0) / (this.v1 - this.v0) * (w - 1)) + 0.5;
	}

	// Scales the view by f around t (which stays where it is on screen).
	zoom(f, t) {
		const span = Math.max(MIN_SPAN, (this.v1 - this.v0) * f);
		const k = (t - this.v0) / Math.max(1, this.v1 - this.v0);
		this.setView(t - k * span, t - k * span + span);
	}

	setView(a, b) {
		let span = Math.min(this.end, Math.max(MIN_SPAN, b - a));
		a = Math.max(0, Math.min(this.end - span, a));
		if (span >= this.end) {
			a = 0;
			span = this.end;
		}
		this.v0 = Math.round(a);
		this.v1 = Math.round(a + span);
		this.box.classList.toggle('zoomed', this.v0 > 0 || this.v1 < this.end);
		this.setT(this.t, true);
		this.draw();
		this.reloadSoon();
	}

	setEnd(end) {
		this.end = Math.max(1, end);
		this.v0 = 0;
		this.v1 = this.end;
		this.box.classList.remove('zoomed');
		this.draw();
	}

	setMarks(marks) {
		this.marks = marks;
		this.draw();
	}

	setNotes(notes) {
		this.notes = notes;
		this.draw();
	}

	// The cursor at t; a zoomed view follows a t that leaves it.
	setT(t, fromView) {
		this.t = t;
		if (!fromView && (t < this.v0 || t > this.v1)) {
			const span = this.v1 - this.v0;
			return this.setView(t - span / 2, t + span / 2);
		}
		const inView = t >= this.v0 && t <= this.v1;
		this.cursor.hidden = !inView;
		if (inView)
			this.cursor.style.left = (100 * (t - this.v0) / Math.max(1, this.v1 - this.v0)) + '%';
	}

	// ---- the syscall marks -------------------------------------------------------------

	// Every call in the view when there are few, else SAMPLES evenly spaced.
	async loadEvents(path) {
		this.path = path;
		const seq = ++this.loadSeq;
		const v0 = this.v0, v1 = this.v1;
		let events = [];
		try {
			const head = await api.lines(path, 0, 0);
			let from = 0, to = head.total;
			if (v0 > 0 || v1 < this.end) {
				from = (await firstAfter(path, v0, true)).index;
				to = (await firstAfter(path, v1, false)).index;
			}
			const n = to - from;
			let lines = [];
			if (n <= 4 * SAMPLES) {
				lines = n > 0 ? (await api.lines(path, from, n)).lines : [];
			} else {
				const step = n / SAMPLES;
				const got = await Promise.all(Array.from({ length: SAMPLES },
					(_, i) => api.lines(path, from + Math.floor(i * step), 1)));
				lines = got.map((r) => r.lines[0]);
			}
			events = lines.map((l) => {
				const f = l.split(' ');
				return { t: parseInt(f[0], 10), kind: (f[2] || '').replace(/\(.*$/, ''),
					text: f.slice(2).join(' ') };
			}).filter((e) => Number.isFinite(e.t));
		} catch (e) {
			events = [];
		}
		if (seq !== this.loadSeq)
			return;
		this.events = events;
		this.draw();
	}

	reloadSoon() {
		clearTimeout(this.reloadTimer);
		if (this.path)
			this.reloadTimer = setTimeout(() => this.loadEvents(this.path), 150);
	}

	// ---- hover -------------------------------------------------------------------------

	// What is drawn within NEAR_PX of x: marks, notes, then syscalls.
	near(clientX) {
		const r = this.box.getBoundingClientRect();
		const w = r.width, x = clientX - r.left;
		const close = (t) => Math.abs(this.xOf(t, w) - x) <= NEAR_PX;
		const out = [];
		for (const [name, t] of Object.entries(this.marks))
			if (typeof t === 'number' && name !== 'start' && name !== 'end' && close(t))
				out.push(name + ' (t=' + t + ')');
		for (const n of this.notes)
			if (close(n.t))
				out.push('note t=' + n.t + ': ' + n.text);
		let k = 0;
		for (const e of this.events)
			if (close(e.t) && k++ < 3)
				out.push(e.t + ' ' + e.text);
		return out;
	}

	hover(ev) {
		const r = this.box.getBoundingClientRect();
		const lines = ['t=' + this.tAt(ev.clientX), ...this.near(ev.clientX)];
		this.tip.textContent = lines.join('\n');
		this.tip.hidden = false;
		const x = ev.clientX - r.left;
		this.tip.style.left = Math.min(x + 12, Math.max(0, r.width - 360)) + 'px';
	}

	// ---- drawing -----------------------------------------------------------------------

	draw() {
		const c = this.canvas;
		const w = this.box.clientWidth, h = this.box.clientHeight;
		if (!w || !h)
			return;
		const dpr = window.devicePixelRatio || 1;
		c.width = Math.round(w * dpr);
		c.height = Math.round(h * dpr);
		c.style.width = w + 'px';
		c.style.height = h + 'px';
		const g = c.getContext('2d');
		g.scale(dpr, dpr);
		g.clearRect(0, 0, w, h);
		const axis = h - 12; // the axis labels below, the marks above
		this.drawAxis(g, w, h, axis);
		g.lineWidth = 1;
		for (const e of this.events) {
			if (e.t < this.v0 || e.t > this.v1)
				continue;
			g.strokeStyle = /^(write|writev|pwrite)/.test(e.kind) ? '#3f6fd8' :
				/^(read|readv|pread)/.test(e.kind) ? '#2a9d55' :
				/^(exit|kill|tgkill|rt_sig)/.test(e.kind) ? '#d85c5c' : '#9aa5b1';
			const x = this.xOf(e.t, w);
			g.beginPath();
			g.moveTo(x, axis * 0.45);
			g.lineTo(x, axis);
			g.stroke();
		}
		this.drawMarks(g, w, axis);
		g.fillStyle = '#e0a800';
		for (const n of this.notes) {
			if (n.t < this.v0 || n.t > this.v1)
				continue;
			const x = this.xOf(n.t, w);
			g.beginPath();
			g.moveTo(x - 4, 0);
			g.lineTo(x + 4, 0);
			g.lineTo(x, 7);
			g.fill();
		}
	}

	drawAxis(g, w, h, axis) {
		const span = this.v1 - this.v0;
		const step = tickStep(span, w);
		g.strokeStyle = '#c5cbd3';
		g.fillStyle = '#6b7280';
		g.font = '10px sans-serif';
		g.beginPath();
		g.moveTo(0, axis + 0.5);
		g.lineTo(w, axis + 0.5);
		g.stroke();
		let lastRight = -Infinity;
		for (let t = Math.ceil(this.v0 / step) * step; t <= this.v1; t += step) {
			const x = this.xOf(t, w);
			g.beginPath();
			g.moveTo(x, axis);
			g.lineTo(x, axis + 3);
			g.stroke();
			const label = short(t);
			const lw = g.measureText(label).width;
			const lx = Math.max(0, Math.min(w - lw, x - lw / 2));
			if (lx > lastRight + 6) {
				g.fillText(label, lx, h - 2);
				lastRight = lx + lw;
			}
		}
	}

	// Named marks as bars, their labels left to right; a label that would
	// overlap the one before is left out (the tooltip names it).
	drawMarks(g, w, axis) {
		const marks = Object.entries(this.marks)
			.filter(([name, t]) => typeof t === 'number' && name !== 'start' && name !== 'end' &&
				t >= this.v0 && t <= this.v1)
			.sort((a, b) => a[1] - b[1]);
		g.font = '10px sans-serif';
		let lastRight = -Infinity;
		for (const [name, t] of marks) {
			const x = this.xOf(t, w);
			g.fillStyle = name === 'crash' ? '#d33' : '#2a9d55';
			g.fillRect(x - 1.5, 0, 3, axis);
			const lw = g.measureText(name).width;
			const lx = Math.min(x + 3, w - lw - 2);
			if (lx > lastRight + 4 && lx + lw < w - 70) { // not under the buttons
				g.fillText(name, lx, 10);
				lastRight = lx + lw;
			}
		}
	}
}
