// timeline.js - t from 0 to t_end across the window: syscall marks (a
// sample of the syscalls file: the events file of a long run is mostly
// thread-run lines, even ticks that say nothing), the named marks (main,
// crash), the notes,
// and a cursor; click or drag to move.  Dragging moves with 'replace'
// history entries and the release pushes one.
import * as api from './api.js';

const SAMPLES = 200; // event lines drawn for a huge events file

export class Timeline {
	constructor(box, canvas, cursor, onPick) {
		this.box = box;
		this.canvas = canvas;
		this.cursor = cursor;
		this.onPick = onPick;
		this.end = 1;
		this.t = 0;
		this.events = [];
		this.marks = {};
		this.notes = [];
		let dragging = false;
		const pick = (ev, done) => {
			const r = box.getBoundingClientRect();
			const f = Math.max(0, Math.min(1, (ev.clientX - r.left) / r.width));
			this.onPick(Math.round(f * this.end), done);
		};
		box.addEventListener('pointerdown', (ev) => {
			dragging = true;
			box.setPointerCapture(ev.pointerId);
			pick(ev, false);
		});
		box.addEventListener('pointermove', (ev) => dragging && pick(ev, false));
		box.addEventListener('pointerup', (ev) => {
			if (dragging)
				pick(ev, true);
			dragging = false;
		});
		new ResizeObserver(() => this.draw()).observe(box);
	}

	setEnd(end) {
		this.end = Math.max(1, end);
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

	setT(t) {
		this.t = t;
		this.cursor.style.left = (100 * t / this.end) + '%';
	}

	// Every event when there are few, else SAMPLES evenly spaced ones.
	async loadEvents(path) {
		try {
			const head = await api.lines(path, 0, 0);
			let lines;
			if (head.total <= 4 * SAMPLES) {
				lines = (await api.lines(path, 0, head.total)).lines;
			} else {
				const step = head.total / SAMPLES;
				const got = await Promise.all(Array.from({ length: SAMPLES },
					(_, i) => api.lines(path, Math.floor(i * step), 1)));
				lines = got.map((r) => r.lines[0]);
			}
			this.events = lines.map((l) => {
				const f = l.split(' ');
				return { t: parseInt(f[0], 10), kind: (f[2] || '').replace(/\(.*$/, '') };
			}).filter((e) => Number.isFinite(e.t));
		} catch (e) {
			this.events = [];
		}
		this.draw();
	}

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
		const x = (t) => Math.round(t / this.end * (w - 1)) + 0.5;
		g.lineWidth = 1;
		for (const e of this.events) {
			g.strokeStyle = /^(write|writev|pwrite)/.test(e.kind) ? '#3f6fd8' :
				/^(read|readv|pread)/.test(e.kind) ? '#2a9d55' :
				/^(exit|kill|tgkill|rt_sig)/.test(e.kind) ? '#d85c5c' : '#9aa5b1';
			g.beginPath();
			g.moveTo(x(e.t), h * 0.45);
			g.lineTo(x(e.t), h);
			g.stroke();
		}
		for (const [name, t] of Object.entries(this.marks)) {
			if (typeof t !== 'number' || name === 'start' || name === 'end')
				continue;
			g.fillStyle = name === 'crash' ? '#d33' : '#2a9d55';
			g.fillRect(x(t) - 1.5, 0, 3, h);
			g.font = '10px sans-serif';
			g.fillText(name, Math.min(x(t) + 3, w - 30), 10);
		}
		g.fillStyle = '#e0a800';
		for (const n of this.notes) {
			g.beginPath();
			g.moveTo(x(n.t) - 4, 0);
			g.lineTo(x(n.t) + 4, 0);
			g.lineTo(x(n.t), 7);
			g.fill();
		}
	}
}
