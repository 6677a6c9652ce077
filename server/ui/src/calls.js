// calls.js - the calls panel: every call of a function (/api/calls) with its
// arguments and return value, or every execution of a line (/api/line-runs)
// with the locals at each.  A click goes to that moment: for a call, where
// gdb's `break` on the function stops in it (t_stop: the arguments shown are
// the ones the locals panel shows there); for a line, its start.
//
// A function may be called millions of times: the list is virtual.  Rows
// have a fixed height, the scroll fraction picks the first row shown (as
// vlist.js does: Chromium caps an element's height), and rows come in pages
// of PAGE from the server, the newest PAGES_KEPT kept.
import * as api from './api.js';
import { el } from './panels.js';

const ROW_PX = 20;
const MAX_PX = 1000000;
const PAGE = 50;
const PAGES_KEPT = 40;

export class CallsPanel {
	// ctx: { go(t), status(text, isError), image() }
	constructor(ctx) {
		this.ctx = ctx;
		this.box = document.getElementById('p-calls');
		this.body = document.getElementById('calls-body');
		this.title = document.getElementById('calls-title');
		this.cap = document.getElementById('calls-cap');
		this.note = document.getElementById('calls-note');
		this.rows = el('div', 'crows');
		this.spacer = el('div', 'vspacer');
		this.body.append(this.rows, this.spacer);
		this.what = null;   // { kind: 'calls'|'line', name | path+line }
		this.total = 0;
		this.first = 0;
		this.pages = new Map();
		this.seq = 0;
		this.body.addEventListener('scroll', () => this.onScroll());
		this.rows.addEventListener('click', (ev) => {
			const row = ev.target.closest('.crow');
			if (row && row.dataset.t)
				this.ctx.go(parseInt(row.dataset.t, 10),
					    parseInt(row.dataset.view || '0', 10));
		});
		document.getElementById('calls-close').addEventListener('click', () => this.close());
		new ResizeObserver(() => this.what && this.draw()).observe(this.body);
	}

	close() {
		this.box.hidden = true;
		this.what = null;
	}

	openCalls(name) {
		this.open({ kind: 'calls', name: name, title: 'Calls of ' + name });
	}

	// path: the file's path under lines/ (as /api/search gives it)
	openLine(path, line) {
		this.open({ kind: 'line', path: path, line: line,
			title: 'Executions of ' + path.split('/').pop() + ':' + line });
	}

	open(what) {
		this.what = what;
		this.total = 0;
		this.first = 0;
		this.pages = new Map();
		this.title.textContent = what.title;
		this.cap.textContent = '';
		this.note.textContent = '';
		this.note.hidden = true;
		this.box.hidden = false;
		this.body.scrollTop = 0;
		this.rows.replaceChildren(el('div', 'vmsg', 'loading...'));
		this.opened = this.draw();
		return this.opened;
	}

	page(k) {
		let p = this.pages.get(k);
		if (!p) {
			const w = this.what;
			p = w.kind === 'calls' ? api.calls(w.name, this.ctx.image(), k * PAGE, PAGE) :
				api.lineRuns(w.path, w.line, this.ctx.image(), k * PAGE, PAGE);
			p.catch(() => this.pages.delete(k));
			this.pages.set(k, p);
			if (this.pages.size > PAGES_KEPT)
				this.pages.delete(this.pages.keys().next().value);
		}
		return p;
	}

	visibleRows() {
		return Math.max(1, Math.floor(this.body.clientHeight / ROW_PX));
	}

	onScroll() {
		const range = this.body.scrollHeight - this.body.clientHeight;
		const frac = range > 0 ? this.body.scrollTop / range : 0;
		const last = Math.max(0, this.total - this.visibleRows());
		this.first = Math.min(last, Math.round(frac * last));
		this.draw();
	}

	async draw() {
		const what = this.what, seq = ++this.seq;
		const n = this.visibleRows() + 1;
		const k0 = Math.floor(this.first / PAGE), k1 = Math.floor((this.first + n - 1) / PAGE);
		let got;
		try {
			got = [];
			for (let k = k0; k <= k1; k++)
				got.push(await this.page(k));
		} catch (e) {
			if (seq === this.seq && what === this.what)
				this.rows.replaceChildren(el('div', 'vmsg', e.message));
			return;
		}
		if (seq !== this.seq || what !== this.what)
			return;
		const head = got[0];
		this.total = head.total;
		this.cap.textContent = head.path + '   ' + head.total + (what.kind === 'calls' ? ' calls' : ' runs');
		if (head.note) {
			this.note.textContent = head.note;
			this.note.hidden = false;
		}
		this.spacer.style.height = Math.min(MAX_PX, this.total * ROW_PX) + 'px';
		this.rows.style.height = this.body.clientHeight + 'px';
		const all = [].concat(...got.map((p) => p.rows));
		const from = this.first - k0 * PAGE;
		const out = all.slice(from, from + n).map((r, i) =>
			what.kind === 'calls' ? this.callRow(r, this.first + i) : this.runRow(r, this.first + i));
		if (this.total === 0)
			out.push(el('div', 'vmsg', '(none)'));
		this.rows.replaceChildren(...out);
	}

	callRow(r, index) {
		const row = el('div', 'crow');
		row.dataset.t = r.t_stop;
		// an inlined copy: the view of its moment where it is frame #0
		row.dataset.view = r.view || 0;
		row.dataset.index = index;
		const inl = !r.debug_info && r.how && r.how.split(',').includes('inline');
		const args = r.debug_info ? r.frame_args : inl ? 'inlined copy' : '?';
		const ret = r.return ? r.return.value : (r.t_return === null ? 'no return' :
			(r.how ? r.how : ''));
		row.append(el('span', 'ct', 't=' + r.t_call),
			el('span', 'cargs', this.what.name + ' (' + args + ')'),
			el('span', 'cret', ret ? '\u2192 ' + ret : ''));
		row.title = 'call at t=' + r.t_call + (r.t_return !== null ? ', returned at t=' + r.t_return : '') +
			(r.how ? ' (' + r.how + ')' : '') + ', from ' + r.caller + '\n' +
			(r.debug_info ? r.args.map((a) => a.type + ' ' + a.name + ' = ' + a.value).join('\n') : inl ?
				'an inlined copy: its arguments are not read here (see the locals there)' :
				'no debug info: arguments unknown') +
			(r.return ? '\nValue returned: ' + r.return.type + ' ' + r.return.value : '') +
			'\nclick: go to t=' + r.t_stop + (r.view ? '.' + r.view : '') +
			' (where gdb\'s break stops)';
		return row;
	}

	runRow(r, index) {
		const row = el('div', 'crow');
		row.dataset.t = r.t;
		row.dataset.index = index;
		const vars = r.locals ? r.locals.map((v) => v.name + ' = ' + v.value).join(', ') : 'no debug info';
		row.append(el('span', 'ct', 't=' + r.t), el('span', 'cargs', vars));
		row.title = 't=' + r.t + '\n' + (r.locals ? r.locals.map((v) => v.type + ' ' + v.name + ' = ' + v.value).join('\n') : '');
		return row;
	}
}
