// vars.js - the variables panel: locals and the compile unit's globals as
// an expandable tree, an expression box whose results stay as watches, and
// addresses from expressions for the memory box.  Every value comes from GET /api/eval (server/srv_eval.c), the
// tree's time/<t>/eval/<expr>: gdb's print text, the type, the address and
// the children (struct members, array elements 200 at a time, a pointer's
// target: one level per click, so `it` opens to `*it` and then `it->qty`).
// Clicking a value that lives in memory asks where its bytes were written
// (the dataflow query of the memory panel, /api/origin).
import * as api from './api.js';
import { $, el } from './panels.js';

const PAGE = 200;
const MAX_GLOBALS = 100;

// view: the moment's view (time/<t>.<view>: its frames), 0 or absent: t's
export function evalExpr(t, expr, image, first, count, view) {
	let url = '/api/eval?t=' + t + '&expr=' + encodeURIComponent(expr);
	if (view)
		url += '&view=' + view;
	if (image)
		url += '&image=' + image;
	if (first)
		url += '&first=' + first;
	if (count !== undefined)
		url += '&count=' + count;
	return api.json(url);
}

// The address an expression names, for the memory box: a pointer's value
// ("p", "&g_table"), else where the value lives ("g_table"), else an
// integer's value.  Rejects with the evaluator's message.
export async function exprAddress(t, text, image) {
	const v = await evalExpr(t, text, image, 0, 0);
	if (v.error)
		throw new Error(v.error);
	const ptr = /(?:^|\) )(0x[0-9a-f]+)/.exec(v.value);
	if (/\*$|\(\*\)/.test(v.type) && ptr)
		return Number(ptr[1]);
	if (v.addr)
		return Number(v.addr);
	if (/^-?\d+$/.test(v.value))
		return Number(v.value);
	throw new Error(text + ' is neither in memory nor an address');
}

export class VarsPanel {
	constructor(ctx) {
		this.ctx = ctx;
		this.body = $('locals-body');
		this.watchBody = $('watch-body');
		this.open = new Set();     // exprs expanded, kept across moments
		this.watches = [];         // typed expressions
		this.m = null;
		$('expr-form').addEventListener('submit', (ev) => {
			ev.preventDefault();
			const text = $('expr-input').value.trim();
			if (!text)
				return;
			$('expr-input').value = '';
			this.watch(text);
		});
	}

	// An expression kept in the box, evaluated at every moment (also a
	// global chosen in the search).
	watch(text) {
		if (!this.watches.includes(text))
			this.watches.unshift(text);
		this.renderWatches();
	}

	render(m) {
		this.m = m;
		this.renderLocals(m);
		this.renderGlobals(m);
		this.renderWatches();
	}

	// The compile unit's globals and statics (time/<t>/globals), each a
	// value from /api/eval like a typed expression.
	async renderGlobals(m) {
		const body = $('globals-body');
		const path = this.ctx.prefix() + 'time/' + m.t + '/globals';
		$('cap-globals').textContent = path;
		let names;
		try {
			names = String(await api.tree(path)).split('\n').filter((n) => n !== '').slice(0, MAX_GLOBALS);
		} catch (e) {
			if (!this.ctx.stale(m))
				body.replaceChildren(el('div', 'none', e.message));
			return;
		}
		if (this.ctx.stale(m))
			return;
		if (names.length === 0) {
			body.replaceChildren(el('div', 'none', '(none here)'));
			return;
		}
		const rows = await Promise.all(names.map((n) => evalExpr(m.t, n, this.ctx.image(), 0, 0, m.view)
			.then((v) => v.error ? { name: n, expr: n, value: v.error, error: true, n_children: 0 } :
				Object.assign({}, v, { name: n }))
			.catch((e) => ({ name: n, expr: n, value: e.message, error: true, n_children: 0 }))));
		if (this.ctx.stale(m))
			return;
		const frag = document.createDocumentFragment();
		for (const node of rows)
			frag.append(this.row(node, 0, m));
		body.replaceChildren(frag);
	}

	renderLocals(m) {
		$('cap-locals').textContent = m.paths && m.paths.locals ? m.paths.locals : '';
		const loc = m.locals;
		if (loc === null || loc === undefined) {
			this.body.replaceChildren(el('div', 'none', 'no source information'));
			return;
		}
		const names = Object.keys(loc);
		if (names.length === 1 && names[0] === 'no-debug-info') {
			// a note, not a variable: one line that wraps
			this.body.replaceChildren(el('div', 'none nodebug', String(loc[names[0]])));
			return;
		}
		if (names.length === 0) {
			this.body.replaceChildren(el('div', 'none', '(none in scope)'));
			return;
		}
		const frag = document.createDocumentFragment();
		for (const n of names) {
			// the locals/ text is the value; its children come on demand
			const node = { name: n, expr: n, value: String(loc[n]), n_children: -1 };
			const r = this.row(node, 0, m);
			frag.append(r);
			// locals/ prints C++ containers raw ({_M_impl = ...}, gdb's print
			// without pretty printers): those few ask /api/eval for gdb's
			// pretty text ("std::vector of length 3, capacity 4 = {1, 2, 3}")
			if (/\b_M_[a-z]/.test(node.value))
				this.pretty(n, m, r);
		}
		this.body.replaceChildren(frag);
	}

	async pretty(n, m, r) {
		let v;
		try {
			v = await evalExpr(m.t, n, this.ctx.image(), 0, 0, m.view);
		} catch (e) {
			return; // the raw text stays
		}
		if (this.ctx.stale(m) || v.error || !r.parentNode)
			return;
		r.replaceWith(this.row(Object.assign({}, v, { name: n }), 0, m));
	}

	renderWatches() {
		const m = this.m;
		if (!m)
			return;
		const frag = document.createDocumentFragment();
		for (const w of this.watches) {
			const holder = el('div', 'watch');
			holder.dataset.expr = w;
			frag.append(holder);
			evalExpr(m.t, w, this.ctx.image(), 0, 0, m.view).then((v) => {
				if (this.ctx.stale(m))
					return;
				const node = v.error ? { name: w, expr: w, value: v.error, error: true, n_children: 0 } :
					Object.assign({}, v, { name: w });
				const r = this.row(node, 0, m);
				const x = el('button', 'wdel', '\u00d7');
				x.title = 'remove this expression';
				x.addEventListener('click', (ev) => {
					ev.stopPropagation();
					this.watches = this.watches.filter((e) => e !== w);
					this.renderWatches();
				});
				r.firstChild.append(x);
				holder.replaceChildren(r);
			}).catch((e) => {
				holder.replaceChildren(el('div', 'none', w + ': ' + e.message));
			});
		}
		this.watchBody.replaceChildren(frag);
	}

	// One value and, below it, its children when open.
	row(node, depth, m) {
		const wrap = el('div', 'vnode');
		const line = el('div', 'xrow');
		line.style.paddingLeft = (8 + depth * 14) + 'px';
		line.dataset.expr = node.expr;
		// a local's children are not known until asked: its text tells
		// an aggregate ({...}) or a pointer (0x...) from a number, a char,
		// an enum or <optimized out>, which have none
		const maybe = node.n_children !== -1 || /^(\(.*?\) )?(\{|@?0x[0-9a-f]+)/.test(node.value);
		const canOpen = node.n_children !== 0 && !node.error && maybe && !/^0x0$/.test(node.value);
		const tog = el('span', 'vtog', canOpen ? '\u25b8' : '');
		const name = el('span', 'vname', node.name);
		const val = el('span', 'vval' + (node.error ? ' verr' : '') + (node.addr ? ' vaddr' : ''),
			node.value);
		// the whole text too: a long value is cut at the panel's edge
		val.title = node.value + '\n' + (node.type ? node.type : '') + (node.addr ? ' at ' +
			node.addr + ' (click: where were these bytes written?)' : '');
		line.append(tog, name, val);
		const kids = el('div', 'vkids');
		wrap.append(line, kids);
		if (node.addr) {
			val.addEventListener('click', (ev) => {
				ev.stopPropagation();
				this.ctx.originMem(Number(node.addr), Math.min(Math.max(node.size || 1, 1), 4096));
			});
		} else if (node.n_children === -1) {
			// a local as time/<t>/locals/ gives it: its address is asked
			// for when its value is clicked (one request per click, none
			// per step)
			val.classList.add('vaddr');
			val.title = node.value + '\n(click: where were these bytes written?)';
			val.addEventListener('click', async (ev) => {
				ev.stopPropagation();
				let v;
				try {
					v = await evalExpr(m.t, node.expr, this.ctx.image(), 0, 0, m.view);
				} catch (e) {
					v = { error: e.message };
				}
				if (this.ctx.stale(m))
					return;
				if (v.addr)
					this.ctx.originMem(Number(v.addr), Math.min(Math.max(v.size || 1, 1), 4096));
				else
					this.ctx.status(node.name + ': ' + (v.error || 'in no memory at t=' + m.t +
						' (a register or optimized out): click its register instead'), true);
			});
		}
		if (canOpen) {
			line.classList.add('vopen-able');
			line.addEventListener('click', () => this.toggle(node, depth, m, tog, kids));
			if (this.open.has(node.expr))
				this.expand(node, depth, m, tog, kids);
		}
		return wrap;
	}

	toggle(node, depth, m, tog, kids) {
		if (this.open.has(node.expr)) {
			this.open.delete(node.expr);
			tog.textContent = '\u25b8';
			kids.replaceChildren();
			return;
		}
		this.open.add(node.expr);
		this.expand(node, depth, m, tog, kids);
	}

	async expand(node, depth, m, tog, kids, first = 0) {
		tog.textContent = '\u25be';
		let v;
		try {
			v = await evalExpr(m.t, node.expr, this.ctx.image(), first, PAGE, m.view);
		} catch (e) {
			kids.replaceChildren(el('div', 'none', e.message));
			return;
		}
		if (this.ctx.stale(m))
			return;
		if (v.error) {
			kids.replaceChildren(el('div', 'none verr', v.error));
			return;
		}
		if (!v.n_children) {
			tog.textContent = '';
			return;
		}
		const frag = document.createDocumentFragment();
		for (const c of v.children)
			frag.append(this.row(c, depth + 1, m));
		const shown = first + v.children.length;
		if (shown < v.n_children) {
			const more = el('div', 'xrow vmore', '\u2026 ' + (v.n_children - shown) +
				' more (' + shown + ' of ' + v.n_children + ' shown)');
			more.style.paddingLeft = (8 + (depth + 1) * 14) + 'px';
			more.addEventListener('click', (ev) => {
				ev.stopPropagation();
				const rest = el('div', 'vpage');
				more.replaceWith(rest);
				this.expand(node, depth, m, tog, rest, shown);
			});
			frag.append(more);
		}
		if (first)
			kids.replaceWith(...frag.childNodes);
		else
			kids.replaceChildren(frag);
	}
}
