// search.js - the toolbar's search box: /api/search as you type, the answers
// in a dropdown list.  `/` focuses the box (main.js), the arrows move in
// the list, Enter or a click chooses, Escape closes.  What a choice does is
// the caller's (onPick(result), a result of server/API.md's /api/search).
import * as api from './api.js';
import { el } from './panels.js';

const DELAY_MS = 120; // typing pauses this long before a request

const KIND_LABEL = {
	function: 'fn', file: 'file', line: 'line', variable: 'var', symbol: 'sym',
	mark: 'mark', note: 'note',
};

// The grey detail after a result's name.
function detail(r) {
	switch (r.kind) {
	case 'function': return 'calls';
	case 'file': return r.path + (r.lines ? '' : '  (no line ran)');
	case 'line': return r.ran ? 'executions' : 'did not run';
	case 'variable': return r.addr + '  ' + r.size + ' B  ' + (r.module || '').split('/').pop();
	case 'symbol': return r.addr + '  ' + (r.module || '').split('/').pop() + '  (never called)';
	case 'mark':
	case 'note': return 't=' + r.t;
	default: return '';
	}
}

export class Search {
	// input: the <input>; drop: the dropdown's element; image(): the image
	// shown; onPick(result): a choice; status(text, isError).
	constructor(input, drop, image, onPick, status) {
		this.input = input;
		this.drop = drop;
		this.image = image;
		this.onPick = onPick;
		this.status = status;
		this.results = [];
		this.sel = -1;
		this.seq = 0;
		this.timer = null;
		input.addEventListener('input', () => this.soon());
		input.addEventListener('keydown', (ev) => this.onKey(ev));
		input.addEventListener('focus', () => {
			this.warm();
			if (this.results.length)
				this.drop.hidden = false;
		});
		input.addEventListener('blur', () => {
			// after a click on a result has been seen
			setTimeout(() => { this.drop.hidden = true; }, 150);
		});
		drop.addEventListener('mousedown', (ev) => ev.preventDefault()); // keep focus
		drop.addEventListener('click', (ev) => {
			const row = ev.target.closest('.sres');
			if (row)
				this.pick(parseInt(row.dataset.i, 10));
		});
	}

	// The server builds an image's name list on its first search (about a
	// second for a big program): start that when the box is focused, so
	// the first keystrokes are answered at once.
	warm() {
		const image = this.image();
		if (this.warmed === image)
			return;
		this.warmed = image;
		api.search('main', image).catch(() => {});
	}

	focus() {
		this.input.focus();
		this.input.select();
	}

	soon() {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.run(), DELAY_MS);
	}

	async run() {
		const q = this.input.value.trim();
		const seq = ++this.seq;
		if (!q) {
			this.show([], false);
			return;
		}
		let r;
		try {
			r = await api.search(q, this.image());
		} catch (e) {
			if (seq === this.seq)
				this.status('search: ' + e.message, true);
			return;
		}
		if (seq === this.seq) {
			this.shownQ = q;
			this.show(r.results, r.truncated, r.matched);
		}
	}

	show(results, truncated, matched) {
		this.results = results;
		this.sel = results.length ? 0 : -1;
		const rows = results.map((r, i) => {
			const row = el('div', 'sres');
			row.dataset.i = i;
			row.dataset.kind = r.kind;
			row.title = r.name + '  ' + detail(r);
			row.append(el('span', 'skind k-' + r.kind, KIND_LABEL[r.kind] || r.kind),
				el('span', 'sname', r.name), el('span', 'sdetail', detail(r)));
			return row;
		});
		if (!results.length && this.input.value.trim())
			rows.push(el('div', 'snone', 'nothing found'));
		if (truncated)
			rows.push(el('div', 'snone', 'first ' + results.length + ' of ' + matched + ': type more'));
		this.drop.replaceChildren(...rows);
		this.drop.hidden = rows.length === 0 || document.activeElement !== this.input;
		this.mark();
	}

	mark() {
		const rows = this.drop.querySelectorAll('.sres');
		rows.forEach((row, i) => row.classList.toggle('sel', i === this.sel));
		if (rows[this.sel])
			rows[this.sel].scrollIntoView({ block: 'nearest' });
	}

	onKey(ev) {
		const n = this.results.length;
		if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
			ev.preventDefault();
			if (n)
				this.sel = (this.sel + (ev.key === 'ArrowDown' ? 1 : n - 1)) % n;
			this.mark();
		} else if (ev.key === 'Enter') {
			ev.preventDefault();
			this.enter();
		} else if (ev.key === 'Escape') {
			this.drop.hidden = true;
			this.input.blur();
		}
	}

	// Enter before the answer to what was typed is in: wait for it, then
	// take its first result.
	async enter() {
		clearTimeout(this.timer);
		if (!this.input.value.trim())
			return;
		if (this.shownQ !== this.input.value.trim()) {
			await this.run();
			this.sel = this.results.length ? 0 : -1;
		}
		if (this.sel >= 0)
			this.pick(this.sel);
	}

	pick(i) {
		const r = this.results[i];
		if (!r)
			return;
		this.drop.hidden = true;
		this.input.blur();
		this.onPick(r);
	}
}
