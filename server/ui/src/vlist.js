// vlist.js - a virtual list over a text file of the tree of any length
// (events, syscalls, output: millions of lines).
//
// Chromium caps an element's height at about 33.5 M px, so the scroll
// range cannot be one pixel row per line.  The list keeps a spacer of at
// most MAX_PX; the scroll fraction picks the first line shown
// (first = fraction * (total - rows)), and a sticky block shows the window
// of lines fetched with /api/lines.  Only the newest request is drawn.
import * as api from './api.js';

const ROW_PX = 18;
const MAX_PX = 1000000;

export class VList {
	// onPick(line text) is called when a row is clicked.
	constructor(el, onPick) {
		this.el = el;
		this.onPick = onPick;
		this.path = null;
		this.total = 0;
		this.first = 0;
		this.seq = 0;
		this.current = -1; // index of the row to mark (the moment's line)
		this.spacer = document.createElement('div');
		this.spacer.className = 'vspacer';
		this.rows = document.createElement('div');
		this.rows.className = 'vrows';
		el.append(this.rows, this.spacer);
		el.addEventListener('scroll', () => this.onScroll());
		this.rows.addEventListener('click', (ev) => {
			const row = ev.target.closest('.vrow');
			if (row && row.dataset.text !== undefined)
				this.onPick(row.dataset.text);
		});
		new ResizeObserver(() => this.draw()).observe(el);
	}

	visibleRows() {
		return Math.max(1, Math.floor(this.el.clientHeight / ROW_PX));
	}

	async open(path) {
		this.path = path;
		this.total = 0;
		this.first = 0;
		this.el.scrollTop = 0;
		await this.draw();
	}

	onScroll() {
		const range = this.el.scrollHeight - this.el.clientHeight; // the sticky rows + the spacer
		const frac = range > 0 ? this.el.scrollTop / range : 0;
		const last = Math.max(0, this.total - this.visibleRows());
		this.first = Math.min(last, Math.round(frac * last));
		this.draw();
	}

	// Shows line index i near the top, and moves the scrollbar to match.
	async showIndex(i) {
		const last = Math.max(0, this.total - this.visibleRows());
		this.first = Math.max(0, Math.min(last, i - 2));
		const range = this.el.scrollHeight - this.el.clientHeight; // the sticky rows + the spacer
		this.el.scrollTop = last > 0 ? Math.round(range * this.first / last) : 0;
		await this.draw();
	}

	// Marks line index i (the last line at or before the moment shown).
	setCurrent(i) {
		this.current = i;
		for (const row of this.rows.querySelectorAll('.vrow'))
			row.classList.toggle('cur', parseInt(row.dataset.index, 10) === i);
	}

	async draw() {
		if (!this.path)
			return;
		const seq = ++this.seq;
		const n = this.visibleRows() + 1;
		let r;
		try {
			r = await api.lines(this.path, this.first, n);
		} catch (e) {
			if (seq !== this.seq)
				return;
			this.rows.replaceChildren(msg(e.status === 404 ? 'nothing here (' + this.path + ' does not exist)' : e.message));
			return;
		}
		if (seq !== this.seq)
			return;
		this.total = r.total;
		this.spacer.style.height = Math.min(MAX_PX, r.total * ROW_PX) + 'px';
		this.rows.style.height = this.el.clientHeight + 'px';
		const out = [];
		if (r.total === 0)
			out.push(msg('(empty)'));
		r.lines.forEach((text, k) => {
			const d = document.createElement('div');
			d.className = 'vrow' + (r.start + k === this.current ? ' cur' : '');
			d.dataset.text = text;
			d.dataset.index = r.start + k;
			d.textContent = text;
			if (text.length > 40)
				d.title = text; // a cut line is read whole on hover
			out.push(d);
		});
		this.rows.replaceChildren(...out);
	}
}

function msg(text) {
	const d = document.createElement('div');
	d.className = 'vmsg';
	d.textContent = text;
	return d;
}

// The index of the first line of path whose leading number is > t (or >= t
// with orEqual), by binary search with one-line requests: log2(lines)
// round trips, fine for any file size.  Lines start with "<t> ...".
export async function firstAfter(path, t, orEqual) {
	const head = await api.lines(path, 0, 0);
	let lo = 0, hi = head.total;
	while (lo < hi) {
		const mid = Math.floor((lo + hi) / 2);
		const r = await api.lines(path, mid, 1);
		const v = parseInt(r.lines[0], 10);
		if (v > t || (orEqual && v === t))
			hi = mid;
		else
			lo = mid + 1;
	}
	return { index: lo, total: head.total };
}
