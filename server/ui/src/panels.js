// panels.js - the views of one moment: source, disassembly, registers,
// backtrace, locals, memory.  Each render function takes the moment (the
// /api/moment answer) and updates its panel's DOM in place; each panel's
// caption names the tree path it reads, so a shell user can `cat` it.
import * as api from './api.js';

export function $(id) {
	return document.getElementById(id);
}

export function el(tag, cls, text) {
	const e = document.createElement(tag);
	if (cls)
		e.className = cls;
	if (text !== undefined)
		e.textContent = text;
	return e;
}

function caption(id, text) {
	$(id).textContent = text ? text : '';
}

function none(body, text) {
	body.replaceChildren(el('div', 'none', text));
}

// "function+0xoff file:line" -> {func, file, line}; null without a line.
export function parseWhere(where) {
	if (!where)
		return null;
	// a C++ function holds spaces ("std::vector<int, std::allocator<int> >::push_back+0x29"):
	// the file:line is the last word
	const m = /^(.+?)\s+(\S+):(\d+)\s*$/.exec(where.trim());
	if (!m)
		return null;
	return { func: m[1], file: m[2], line: parseInt(m[3], 10) };
}

// ---- disassembly -----------------------------------------------------------------

export function renderDisasm(m) {
	const body = $('disasm-body');
	caption('cap-disasm', m.paths && m.paths.insn ? m.paths.insn : '');
	const rip = m.regs && m.regs.rip ? BigInt(m.regs.rip) : null;
	if (!m.disasm || m.disasm.length === 0) {
		none(body, m.insn ? m.insn : 'no instruction (the end of the recording)');
		return;
	}
	const frag = document.createDocumentFragment();
	for (const d of m.disasm) {
		const cur = rip !== null && BigInt(d.addr) === rip;
		const row = el('div', 'drow' + (cur ? ' cur' : ''));
		row.append(el('span', 'addr', d.addr), el('span', 'bytes', d.bytes), el('span', 'text', d.text));
		frag.append(row);
	}
	body.replaceChildren(frag);
}

// ---- registers ---------------------------------------------------------------------

const VECTOR = /^(xmm|ymm|zmm|st\d|mm\d|fp|ftop|sseround|mxcsr)/;

export class RegsPanel {
	constructor(ctx) {
		this.ctx = ctx;
		this.body = $('regs-body');
		this.cells = new Map(); // name -> value cell
		this.vec = $('regs-vec');
		this.vec.addEventListener('change', () => {
			this.cells.clear();
			if (this.last)
				this.render(this.last, null);
		});
		this.body.addEventListener('click', (ev) => {
			const row = ev.target.closest('.rrow');
			if (row)
				this.ctx.originReg(row.dataset.reg);
		});
	}

	render(m, prev) {
		this.last = m;
		caption('cap-regs', m.paths && m.paths.regs ? m.paths.regs : '');
		const regs = m.regs || {};
		const names = Object.keys(regs).filter((n) => this.vec.checked || !VECTOR.test(n));
		const same = names.length === this.cells.size && names.every((n) => this.cells.has(n));
		if (!same) {
			const frag = document.createDocumentFragment();
			this.cells.clear();
			for (const n of names) {
				const row = el('div', 'rrow');
				row.dataset.reg = n;
				row.title = 'click: where did this value come from?';
				const v = el('span', 'rval');
				row.append(el('span', 'rname', n), v);
				this.cells.set(n, v);
				frag.append(row);
			}
			this.body.replaceChildren(frag);
		}
		const before = prev && prev.regs ? prev.regs : null;
		for (const n of names) {
			const cell = this.cells.get(n);
			cell.textContent = regs[n];
			cell.parentNode.classList.toggle('changed', !!before && before[n] !== undefined && before[n] !== regs[n]);
		}
	}
}

// ---- backtrace and locals -------------------------------------------------------------

// One frame line: "function, file:line, time of the call" in some spelling;
// the time is the last token that is a plain number (or t=N, @N).
export function frameTime(line) {
	const toks = line.trim().split(/[\s,]+/).reverse();
	for (const tok of toks) {
		const m = /^(?:t=|@)?(\d+)$/.exec(tok);
		if (m)
			return parseInt(m[1], 10);
	}
	return null;
}

// A frame's row goes to that frame where it is: the moment it made the call
// to the frame above it (the t_call of row k-1), where the frame's own
// function and line are the ones the row names.  Row 0 is the moment shown.
export function renderBacktrace(m, go) {
	const body = $('backtrace-body');
	caption('cap-backtrace', m.paths && m.paths.backtrace ? m.paths.backtrace : '');
	if (m.backtrace === null || m.backtrace === undefined) {
		none(body, 'no source information');
		return;
	}
	const lines = m.backtrace.split('\n').filter((l) => l.trim() !== '');
	const frag = document.createDocumentFragment();
	lines.forEach((line, k) => {
		const t = k > 0 ? frameTime(lines[k - 1]) : null;
		const row = el('div', 'frow' + (t !== null ? ' link' : ''), line);
		row.title = line;
		if (t !== null) {
			const callee = (lines[k - 1].trim().split(/\s+/)[1] || '').replace(/\+0x[0-9a-f]+$/, '');
			row.title = line + '\nclick: this frame at its call of ' + callee + ' (t=' + t + ')';
			row.addEventListener('click', () => go(t));
		}
		frag.append(row);
	});
	body.replaceChildren(frag);
}

export function renderLocals(m) {
	const body = $('locals-body');
	caption('cap-locals', m.paths && m.paths.locals ? m.paths.locals : '');
	if (m.locals === null || m.locals === undefined) {
		none(body, 'no source information');
		return;
	}
	const names = Object.keys(m.locals);
	if (names.length === 0) {
		none(body, '(none in scope)');
		return;
	}
	const frag = document.createDocumentFragment();
	for (const n of names) {
		const row = el('div', 'lrow');
		row.append(el('span', 'lname', n), el('span', 'lval', String(m.locals[n])));
		frag.append(row);
	}
	body.replaceChildren(frag);
}

// ---- memory ---------------------------------------------------------------------------

const MEM_BYTES = 256;
const MEM_CACHE = 64;

// "0x7ff...", "1234", "rsp", "rsp+0x10", "rbp-8" -> a Number address.
export function parseAddr(text, regs) {
	const m = /^\s*([A-Za-z][A-Za-z0-9_]*|0[xX][0-9a-fA-F]+|\d+)\s*(?:([+-])\s*(0[xX][0-9a-fA-F]+|\d+))?\s*$/.exec(text);
	if (!m)
		return null;
	let base;
	if (/^[A-Za-z]/.test(m[1])) {
		if (!regs || regs[m[1]] === undefined)
			return null;
		base = Number(BigInt(regs[m[1]]));
	} else {
		base = Number(m[1]);
	}
	if (m[2]) {
		const off = Number(m[3]);
		base = m[2] === '+' ? base + off : base - off;
	}
	return base >= 0 && Number.isSafeInteger(base) ? base : null;
}

export class MemPanel {
	constructor(ctx) {
		this.ctx = ctx;
		this.body = $('mem-body');
		this.addr = null;
		this.bytes = null;
		this.cache = new Map();
		$('mem-form').addEventListener('submit', (ev) => {
			ev.preventDefault();
			const text = $('mem-addr').value;
			const a = parseAddr(text, this.ctx.moment() && this.ctx.moment().regs);
			if (a !== null)
				return this.show(a);
			// a symbol or an expression: &g_table, p, acc[1]
			this.ctx.exprAddr(text).then((x) => this.show(x),
				(e) => this.ctx.status('not an address: ' + text + ' (' + e.message + ')'));
		});
		$('mem-up').addEventListener('click', () => this.addr !== null && this.show(Math.max(0, this.addr - MEM_BYTES)));
		$('mem-down').addEventListener('click', () => this.addr !== null && this.show(this.addr + MEM_BYTES));
		this.body.addEventListener('click', (ev) => {
			const b = ev.target.closest('.byte');
			if (b) {
				this.traced = Number(b.dataset.addr);
				this.ctx.originMem(this.traced);
			}
		});
	}

	show(addr) {
		this.addr = addr - (addr % 16);
		this.chosen = addr; // the user's: shared links keep it (#mem=)
		$('mem-addr').value = '0x' + addr.toString(16);
		if (this.ctx.onChoose)
			this.ctx.onChoose();
		const m = this.ctx.moment();
		if (m)
			return this.render(m);
	}

	// The bytes shown at path (a moment's mem) and addr: one request, shared
	// by prefetch() and render(), the newest MEM_CACHE answers kept.
	fetch(path, addr) {
		const key = path + '@' + addr;
		let p = this.cache.get(key);
		if (!p) {
			p = api.mem(path, addr, MEM_BYTES);
			p.catch(() => {});
			this.cache.set(key, p);
			if (this.cache.size > MEM_CACHE)
				this.cache.delete(this.cache.keys().next().value);
		}
		return p;
	}

	// Starts the request for the moment at path before its /api/moment
	// answer is in: the two round trips of a step then overlap.
	prefetch(path) {
		if (this.addr !== null)
			this.fetch(path, this.addr);
	}

	async render(m) {
		if (this.addr === null) {
			// Start at the stack pointer: the moment's frame is there.
			if (!m.regs || !m.regs.rsp)
				return;
			const sp = parseAddr('rsp', m.regs);
			this.addr = sp - (sp % 16); // not & ~15: bit operators cut to 32 bits
			$('mem-addr').value = '0x' + this.addr.toString(16);
		}
		const addr = this.addr;
		const path = (m.paths && m.paths.mem) || (this.ctx.prefix() + 'time/' + m.t + '/mem');
		caption('cap-mem', path + ' @0x' + addr.toString(16) + '+' + MEM_BYTES);
		let bytes = null, err = null;
		try {
			bytes = await this.fetch(path, addr);
		} catch (e) {
			err = e;
		}
		if (this.ctx.stale(m) || addr !== this.addr)
			return;
		// Changed bytes are those the instruction before t changed, as for
		// the registers: compare with moment t-1 (often cached: the moment
		// stepped from, or prefetched), not with whatever was shown last.
		let before = null;
		if (!err && m.t > 0) {
			const prevPath = this.ctx.prefix() + 'time/' + (m.t - 1) + '/mem';
			before = await this.fetch(prevPath, addr).catch(() => null);
			if (this.ctx.stale(m) || addr !== this.addr)
				return;
		}
		if (err) {
			none(this.body, err.status === 422 ? 'unmapped at t=' + m.t + ': 0x' + addr.toString(16) : err.message);
			return;
		}
		const frag = document.createDocumentFragment();
		for (let r = 0; r < bytes.length; r += 16) {
			const row = el('div', 'mrow');
			row.append(el('span', 'maddr', '0x' + (addr + r).toString(16).padStart(12, '0')));
			const hex = el('span', 'mhex');
			let ascii = '';
			for (let i = r; i < r + 16 && i < bytes.length; i++) {
				const b = el('span', 'byte', bytes[i].toString(16).padStart(2, '0'));
				b.dataset.addr = addr + i;
				if (before && before[i] !== bytes[i]) {
					b.classList.add('changed');
					b.title = 'changed by the instruction at t=' + (m.t - 1) + ' (was ' +
						before[i].toString(16).padStart(2, '0') + ')';
				}
				if (addr + i === this.traced)
					b.classList.add('traced');
				hex.append(b);
				ascii += bytes[i] >= 32 && bytes[i] < 127 ? String.fromCharCode(bytes[i]) : '.';
			}
			row.append(hex, el('span', 'mascii', ascii));
			frag.append(row);
		}
		this.body.replaceChildren(frag);
	}
}
