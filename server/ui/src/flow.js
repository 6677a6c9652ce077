// flow.js - the dataflow panel: where did this value come from, hop by
// hop.  For memory, /api/origin gives the write that put the clicked
// byte's value there; for a register, the newest instruction before t that
// writes it (read back from t a few at a time, down to the moment
// /api/origin?reg= says its value last changed: a copy through memory
// writes the same value again).  The writing instruction (time/T/insn,
// AT&T syntax) then names the operand it copied from, and the question is
// asked again for that operand at that moment: a register, or memory at
// the address its operand computes from time/T/regs.  The chain ends at an
// instruction that computes (add, imul, lea, xor...), a constant, the
// kernel (a syscall's write), or where nothing wrote before.
//
// Each hop lists t, function and file:line (time/T/where), the
// instruction and the value it wrote, newest first; clicking one goes to
// the writing instruction.  For memory the panel also lists every write to
// the address (writes/0xADDR+LEN) and, for a heap address, the blocks that
// held it with their allocation and free (/api/heap): the use-after-free
// question.  For a register whose value points into the heap, the same.
import * as api from './api.js';
import { parseWhere, el } from './panels.js';

const MAX_HOPS = 40;
const SCAN_BATCH = 8;    // instructions read at once looking for a register's writer
const SCAN_MAX = 512;    // ... and at most this many back
const WRITES_SHOWN = 200;

// ---- registers by width ----------------------------------------------------------

const GPR = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp'];
// the 32-, 16- and 8-bit names of each of them
const LOW = {};
for (const [r, d, w, b, h] of [['rax', 'eax', 'ax', 'al', 'ah'], ['rbx', 'ebx', 'bx', 'bl', 'bh'],
	['rcx', 'ecx', 'cx', 'cl', 'ch'], ['rdx', 'edx', 'dx', 'dl', 'dh'], ['rsi', 'esi', 'si', 'sil'],
	['rdi', 'edi', 'di', 'dil'], ['rbp', 'ebp', 'bp', 'bpl'], ['rsp', 'esp', 'sp', 'spl']]) {
	LOW[d] = { full: r, bytes: 4 };
	LOW[w] = { full: r, bytes: 2 };
	LOW[b] = { full: r, bytes: 1 };
	if (h)
		LOW[h] = { full: r, bytes: 1 };
}

// "eax" -> {full: "rax", bytes: 4}; null for what is no register we track.
export function regInfo(name) {
	name = name.replace(/^%/, '');
	if (GPR.includes(name) || /^r(8|9|1[0-5])$/.test(name) || name === 'rip')
		return { full: name, bytes: 8 };
	if (LOW[name])
		return LOW[name];
	let m = /^(r(?:8|9|1[0-5]))([dwb])$/.exec(name);
	if (m)
		return { full: m[1], bytes: { d: 4, w: 2, b: 1 }[m[2]] };
	m = /^[xy]mm(\d+)$/.exec(name);
	if (m)
		return { full: 'ymm' + m[1], bytes: name[0] === 'x' ? 16 : 32 };
	return null;
}

// ---- AT&T operands -------------------------------------------------------------------

// "movq 0x10(%rdx,%rcx,8), %rax" -> {mn: "movq", ops: ["0x10(%rdx,%rcx,8)", "%rax"]}.
export function parseInsn(text) {
	const m = /^(?:(rep[a-z]*|lock)\s+)?(\S+)\s*(.*)$/.exec(text.trim());
	if (!m)
		return null;
	const ops = [];
	let depth = 0, cur = '';
	for (const c of m[3]) {
		if (c === '(')
			depth++;
		else if (c === ')')
			depth--;
		if (c === ',' && depth === 0) {
			ops.push(cur.trim());
			cur = '';
		} else {
			cur += c;
		}
	}
	if (cur.trim())
		ops.push(cur.trim());
	return { prefix: m[1] || '', mn: m[2], ops };
}

function big(v) {
	return BigInt.asUintN(64, BigInt(v));
}

// The address of a memory operand ("-0x18(%rbp)", "0x2ecc(%rip)",
// "%fs:0x28", "(%rax,%rbx,8)") with the registers regs; ripNext is the
// address of the next instruction.  null when it is no memory operand.
export function memAddr(op, regs, ripNext) {
	const m = /^(?:%([a-z]s):)?(-?(?:0x[0-9a-f]+|\d+))?(?:\(\s*(%\w+)?\s*(?:,\s*(%\w+)\s*(?:,\s*(\d+))?)?\s*\))?$/.exec(op);
	if (!m || op.startsWith('$') || (!m[2] && !m[3] && !m[4]) || (/^%\w+$/.test(op)))
		return null;
	const reg = (r) => {
		const name = r.replace(/^%/, '');
		if (name === 'rip')
			return big(ripNext);
		const info = regInfo(name);
		if (!info || regs[info.full] === undefined)
			throw new Error('no register ' + name);
		return BigInt.asUintN(info.bytes * 8, big(regs[info.full]));
	};
	let a = 0n;
	if (m[2])
		a += BigInt(m[2].startsWith('-') ? -Number(m[2].slice(1)) : Number(m[2]));
	if (m[3])
		a += reg(m[3]);
	if (m[4])
		a += reg(m[4]) * BigInt(m[5] || 1);
	if (m[1] === 'fs')
		a += big(regs.fs_base || 0);
	return BigInt.asUintN(64, a);
}

const SUFFIX = { b: 1, w: 2, l: 4, q: 8 };

// The width in bytes of a memory operand of instruction mn whose other
// operand is other (a register, or null).
function memWidth(mn, other, isSource) {
	let m = /^mov[sz]([bwl])([wlq])$/.exec(mn);
	if (m)
		return SUFFIX[isSource ? m[1] : m[2]];
	if (/^(movss|movd)$/.test(mn))
		return 4;
	if (/^(movsd|movq|movlps|movhps|movlpd|movhpd)$/.test(mn) && other && /mm/.test(other))
		return 8;
	if (/^(movaps|movups|movdqa|movdqu|movapd|movupd)$/.test(mn))
		return 16;
	if (/^vmov/.test(mn))
		return other && /^%ymm/.test(other) ? 32 : 16;
	if (other) {
		const r = regInfo(other);
		if (r)
			return r.bytes;
	}
	m = /^(?:mov|push|pop)([bwlq])$/.exec(mn);
	if (m)
		return SUFFIX[m[1]];
	return 8;
}

// Where the value an instruction wrote came from, given what it wrote
// (target: {reg} or {addr}) and the registers before it ran:
//   {reg: "rax"} / {addr: BigInt, len} / {end: "why"}.
export function sourceOf(insn, target, regs, ripNext) {
	const p = parseInsn(insn);
	if (!p)
		return { end: 'cannot read the instruction' };
	const { mn, ops } = p;
	const src = ops[0];
	const fromOp = (op, other) => {
		if (op === undefined)
			return { end: 'no operand' };
		if (op.startsWith('$'))
			return { end: 'the constant ' + op.slice(1) };
		if (/^%/.test(op) && !op.includes(':')) {
			const r = regInfo(op);
			return r ? { reg: r.full } : { end: op + ' is not traced' };
		}
		const a = memAddr(op, regs, ripNext);
		if (a === null)
			return { end: 'cannot read ' + op };
		return { addr: a, len: memWidth(mn, other, true) };
	};
	if (/^movs[bwlq]?$/.test(mn) && ops.length === 2 && /%rdi/.test(ops[1]) && /%rsi/.test(ops[0])) {
		// a string move: each byte comes from rsi + its offset from rdi
		if (target.addr === undefined)
			return { end: 'string move' };
		const off = target.addr - big(regs.rdi);
		return { addr: BigInt.asUintN(64, big(regs.rsi) + off), len: target.len || 1 };
	}
	if (/^stos[bwlq]?$/.test(mn))
		return { reg: 'rax' };
	if (/^(cltq|cdqe|cwtl|cbtw)$/.test(mn))
		return { reg: 'rax' };
	if (/^push[wlq]?$/.test(mn))
		return fromOp(src, null);
	if (/^pop[wlq]?$/.test(mn))
		return { addr: big(regs.rsp), len: 8 };
	if (/^call/.test(mn))
		return { end: 'the return address of a call' };
	if (/^(mov|movabs|movz|movs[bwl][wlq]|cmov|vmov)/.test(mn) && ops.length === 2) {
		if (/^cmov/.test(mn))
			return fromOp(src, ops[1]);
		return fromOp(src, ops[1]);
	}
	if (/^(xor|sub|pxor|vpxor|xorps)/.test(mn) && ops.length === 2 && ops[0] === ops[1])
		return { end: 'zeroed (' + mn + ' ' + ops.join(', ') + ')' };
	if (/^lea/.test(mn))
		return { end: 'an address computed (' + mn + ')' };
	return { end: 'computed by ' + mn + (ops.length ? ' ' + ops.join(', ') : '') };
}

// The inputs of an instruction that computes (the chain's end at "computed
// by addq %rdx, %rax"): each register or memory operand it reads, so the
// chain can go on through the one the user picks.  The destination of a
// two-operand add, sub, and, or, imul... is an input too; lea reads only
// the registers of its address.
export function operandsOf(insn, regs, ripNext) {
	const p = parseInsn(insn);
	if (!p)
		return [];
	const { mn, ops } = p;
	const out = [];
	const add = (x) => {
		if (x && !out.some((y) => (y.reg && y.reg === x.reg) || (y.addr !== undefined && y.addr === x.addr)))
			out.push(x);
	};
	const regOf = (op) => {
		const r = regInfo(op);
		return r && r.full !== 'rip' ? { reg: r.full } : null;
	};
	const other = ops.length > 1 ? ops[ops.length - 1] : null;
	const opnd = (op) => {
		if (!op || op.startsWith('$'))
			return;
		if (/^%\w+$/.test(op))
			return add(regOf(op));
		if (/^lea/.test(mn)) {
			for (const r of op.match(/%\w+/g) || [])
				add(regOf(r));
			return;
		}
		try {
			const a = memAddr(op, regs, ripNext);
			// "addl $1, -0x14(%rbp)": the suffix says the width
			const sfx = /^(?:add|sub|and|or|xor|adc|sbb|inc|dec|neg|not|sh[lr]|sa[lr]|ro[lr]|i?mul)([bwlq])$/.exec(mn);
			if (a !== null)
				add({ addr: a, len: sfx ? SUFFIX[sfx[1]] : memWidth(mn, other && /^%/.test(other) ? other : null, true) });
		} catch (e) {
			// an operand we cannot place: not offered
		}
	};
	const srcs = ops.length >= 3 ? ops.slice(0, ops.length - 1) :
		ops.length === 2 && /^(lea|mov|cvt|vcvt)/.test(mn) ? [ops[0]] : ops;
	srcs.forEach(opnd);
	return out;
}

// Whether the instruction insn writes register full (a 64-bit name, or
// ymmN): its last operand (AT&T puts the destination last) or what it
// writes implicitly.
export function writesReg(insn, full) {
	const p = parseInsn(insn);
	if (!p)
		return false;
	const { mn, ops } = p;
	const is = (op) => /^%/.test(op || '') && regInfo(op) !== null && regInfo(op).full === full;
	const implicit = [
		[/^(cltq|cwtl|cbtw|cdqe|lods)/, ['rax']], [/^(cqto|cltd|cwtd|cqo|cdq)$/, ['rdx']],
		[/^(rdtsc|rdtscp)$/, ['rax', 'rdx']], [/^cpuid$/, ['rax', 'rbx', 'rcx', 'rdx']],
		[/^syscall$/, ['rax', 'rcx', 'r11']], [/^(push|pop|call|ret|leave|enter)/, ['rsp']],
		[/^leave/, ['rbp']], [/^(movs|stos|cmps|scas)[bwlq]?$/, ['rsi', 'rdi', 'rcx']],
		[/^cmpxchg/, ['rax']],
	];
	for (const [re, regs] of implicit)
		if (re.test(mn) && regs.includes(full))
			return true;
	if (/^(i?mul|i?div)[bwlq]?$/.test(mn) && ops.length === 1)
		return full === 'rax' || full === 'rdx';
	if (/^(cmp|test|bt[^crs]|bt$|j|call|ret|push|nop|ucomis|comis|v?ptest|endbr|hlt|prefetch|clflush|lfence|sfence|mfence|pause|int3|ud2)/.test(mn))
		return false;
	if (/^(xchg|xadd)/.test(mn))
		return ops.some(is);
	return is(ops[ops.length - 1]);
}

// ---- the panel ------------------------------------------------------------------------

export class FlowPanel {
	// ctx: { prefix(), image(), go(t), status(text), moment(), openTab() }
	constructor(ctx) {
		this.ctx = ctx;
		this.body = document.getElementById('flow-body');
		this.seq = 0;
		this.texts = new Map();
		this.hopMs = [];     // each hop's time, for the tests and the bench
		this.landedAt = null; // the moment the origin message belongs to
		if (window.hindsight)
			window.hindsight.flowHopMs = this.hopMs;
		this.body.addEventListener('click', (ev) => {
			const b = ev.target.closest('[data-branch]');
			if (b) {
				ev.preventDefault();
				window.hindsight.chain = this.follow(parseInt(b.dataset.hop, 10), parseInt(b.dataset.branch, 10));
				return;
			}
			// the page's <body> carries data-t too (the moment shown, for
			// the tests): only a link inside this box goes anywhere
			const a = ev.target.closest('[data-t]');
			if (a && this.body.contains(a) && a !== this.body) {
				ev.preventDefault();
				this.ctx.go(parseInt(a.dataset.t, 10));
			}
		});
	}

	// The origin line under the memory view belongs to the moment it
	// landed on (or, when it says why there was no landing, to the moment
	// it was asked at): moving elsewhere clears it.
	onMoment(m) {
		if (m.t !== this.landedAt) {
			document.getElementById('mem-origin').textContent = '';
			this.landedAt = null;
		}
	}

	landed(t) {
		this.landedAt = t;
	}

	path(t, file) {
		return this.ctx.prefix() + 'time/' + t + '/' + file;
	}

	// A file of moment t as trimmed text (null when absent); the files of
	// one chain are kept (this.texts) so no hop reads one twice.
	text(t, file) {
		const key = t + '/' + file;
		let p = this.texts.get(key);
		if (!p) {
			p = api.tree(this.path(t, file)).then((s) => typeof s === 'string' ? s.trim() : null, () => null);
			this.texts.set(key, p);
		}
		return p;
	}

	async regs(t) {
		const out = {};
		const s = await this.text(t, 'regs');
		for (const line of (s || '').split('\n')) {
			const f = line.trim().split(/\s+/);
			if (f.length >= 2)
				out[f[0]] = f[1];
		}
		return out;
	}

	// One hop: the write visible at tw (done by the instruction at tw-1) of
	// target ({reg} or {addr, len}); returns the hop and the next target.
	async hop(tw, target, kind) {
		if (kind && kind !== 'store') {
			// no instruction wrote it: a mapping's contents (t=0 and
			// before), the kernel, a signal frame; there is no t-1 to read
			// at the start (time/-1/ is a 404 in the console)
			const at = Math.max(0, tw - 1);
			const [where, value] = await Promise.all([this.text(at, 'where'), this.memValue(tw, target)]);
			return { t: at, tw, target, where, insn: null, value, next: null,
				end: 'written by the ' + (kind === 'syscall' ? 'kernel (a system call)' : kind) };
		}
		const at = tw - 1;
		const [insnLine, where, regs, value] = await Promise.all([
			this.text(at, 'insn'), this.text(at, 'where'), this.regs(at),
			target.reg ? this.text(tw, 'reg/' + target.reg) : this.memValue(tw, target)]);
		const hop = { t: at, tw, target, where, insn: null, value, next: null, end: null };
		const f = /^0x([0-9a-f]+)\s+([0-9a-f]+)\s+(.*)$/.exec(insnLine || '');
		if (!f) {
			hop.end = 'no instruction at t=' + at;
			return hop;
		}
		hop.insn = f[3];
		const ripNext = BigInt('0x' + f[1]) + BigInt(f[2].length / 2);
		try {
			const src = sourceOf(f[3], target, regs, ripNext);
			if (src.end)
				hop.end = src.end;
			else
				hop.next = src;
			if (/^(computed|an address computed)/.test(hop.end || ''))
				hop.branches = operandsOf(f[3], regs, ripNext);
		} catch (e) {
			hop.end = e.message;
		}
		return hop;
	}

	async memValue(t, target) {
		try {
			const b = await api.mem(this.path(t, 'mem'), Number(target.addr), target.len || 1);
			return Array.from(b).reverse().map((x) => x.toString(16).padStart(2, '0')).join('')
				.replace(/^/, '0x');
		} catch (e) {
			return null;
		}
	}

	// The t at which the last write to register reg before t became
	// visible (the writer ran from that t - 1).  /api/origin?reg= gives
	// when its value last changed; an instruction after that may have
	// written the same value again (a copy through memory reloads it):
	// the instructions in between are read back from t, a batch at a
	// time, for the newest one that writes reg (of the same thread).
	async regWriter(t, reg) {
		// the writer is most often a few instructions back: the value's
		// last change (a 404 when it never changed, which the console
		// shows) is asked for only when the first ones do not write reg
		const origin = () => api.originReg(t, reg, this.ctx.image()).then((o) => o.t, (e) => {
			if (e.status !== 404)
				throw e;
			return null;
		});
		const multi = this.ctx.threads() > 1;
		const tid = multi ? await this.text(t, 'thread') : null;
		let changed, lo = Math.max(0, t - SCAN_MAX), batch = 2;
		for (let hi = t - 1; hi >= lo; hi -= batch, batch = Math.min(SCAN_BATCH, batch * 2)) {
			const xs = [];
			for (let x = hi; x > hi - batch && x >= lo; x--)
				xs.push(x);
			const got = await Promise.all(xs.map((x) => Promise.all([this.text(x, 'insn'),
				multi ? this.text(x, 'thread') : null])));
			for (let i = 0; i < xs.length; i++) {
				const [line, th] = got[i];
				if (multi && th !== tid)
					continue;
				const f = /^0x[0-9a-f]+\s+[0-9a-f]+\s+(.*)$/.exec(line || '');
				if (f && writesReg(f[1], reg))
					return xs[i] + 1;
			}
			if (changed === undefined && batch >= 4) {
				changed = await origin();
				lo = Math.max(changed !== null ? changed : 0, lo);
			}
		}
		if (changed === undefined)
			changed = await origin();
		if (changed === null) {
			const e = new Error(reg + ' has held this value since its thread started');
			e.status = 404;
			throw e;
		}
		return changed;
	}

	// Walks the chain from target at t; draws each hop as it comes.
	async chain(t, target) {
		this.texts = new Map();
		this.ctx.openTab();
		return this.walk(t, target, [], target, t);
	}

	// The chain goes on through an input of the instruction it ended at
	// (hop k's branch b): the hops after k are dropped.
	follow(k, b) {
		const c = this.last;
		if (!c || !c.hops[k] || !c.hops[k].branches || !c.hops[k].branches[b])
			return null;
		const hops = c.hops.slice(0, k + 1);
		const h = hops[k];
		h.picked = b;
		return this.walk(c.t, c.target, hops, h.branches[b], h.t);
	}

	// Asks the chain's question from cur at when on, after hops.
	async walk(t, target, hops, cur, when) {
		const seq = ++this.seq;
		this.last = { t, target, hops };
		this.draw(target, t, hops, 'following...');
		for (let i = hops.length; i < MAX_HOPS; i++) {
			const t0 = performance.now();
			let o;
			try {
				o = cur.reg ? { t: await this.regWriter(when, cur.reg), kind: 'store' } :
					await api.originMem(when, Number(cur.addr), cur.len || 1, this.ctx.image());
			} catch (e) {
				if (seq !== this.seq)
					return;
				this.draw(target, t, hops, e.status === 404 ? (cur.reg ?
					cur.reg + ' has held this value since its thread started' :
					'never written before t=' + when + ' (the initial contents)') : e.message);
				return hops;
			}
			const img = this.ctx.imageName();
			if (o.image && img && o.image !== img) {
				this.draw(target, t, hops, 'written by process ' + o.image + ' before the fork (t=' + o.t + ' there)');
				return hops;
			}
			// a store names the bytes it wrote; a mapping or a system call
			// wrote far more than was asked about: the value shown is the
			// bytes asked for
			const h = await this.hop(o.t, cur.reg ? cur : o.kind === 'store' ?
				{ addr: BigInt(o.addr), len: o.len } : cur, o.kind);
			this.hopMs.push(performance.now() - t0);
			if (seq !== this.seq)
				return;
			hops.push(h);
			if (h.end || !h.next) {
				this.draw(target, t, hops, h.end || 'end');
				return hops;
			}
			cur = h.next;
			when = h.t;
			this.draw(target, t, hops, 'following...');
		}
		this.draw(target, t, hops, 'stopped after ' + MAX_HOPS + ' hops: click the last one to go on');
		return hops;
	}

	describe(target) {
		return target.reg ? target.reg : '0x' + target.addr.toString(16) + (target.len > 1 ? '+' + target.len : '');
	}

	draw(target, t, hops, state) {
		const box = el('div', 'flow-chain');
		box.append(el('div', 'flow-head', 'where did ' + this.describe(target) + ' at t=' + t + ' come from? ' +
			hops.length + ' hop(s), newest first'));
		const ol = el('ol', 'flow-hops');
		for (const h of hops) {
			const li = el('li', 'flow-hop');
			const w = parseWhere(h.where);
			const a = el('a', 'flow-t', 't=' + h.t);
			a.href = '#t=' + h.t;
			a.dataset.t = h.t;
			a.title = 'go to the instruction that wrote ' + this.describe(h.target);
			li.append(a, el('span', 'flow-fn', w ? w.func.replace(/\+0x[0-9a-f]+$/, '') : (h.where || '?')),
				el('span', 'flow-line', w ? w.file.split('/').pop() + ':' + w.line : ''),
				el('span', 'flow-insn', h.insn || ''),
				el('span', 'flow-val', this.describe(h.target) + ' = ' + (h.value || '?')));
			if (h.end)
				li.append(el('span', 'flow-end', h.end));
			(h.branches || []).forEach((b, j) => {
				const f = el('button', 'flow-branch' + (h.picked === j ? ' on' : ''), 'from ' + this.describe(b));
				f.dataset.hop = String(hops.indexOf(h));
				f.dataset.branch = String(j);
				f.title = 'go on: where did ' + this.describe(b) + ' (an input of ' + (h.insn || 'this instruction') +
					') at t=' + h.t + ' come from?';
				li.append(f);
			});
			ol.append(li);
		}
		box.append(ol, el('div', 'flow-state', state));
		const keep = this.body.querySelector('.flow-extra');
		this.body.replaceChildren(box);
		if (keep)
			this.body.append(keep);
		this.body.dataset.state = state === 'following...' ? 'busy' : 'done';
	}

	// ---- all writes, heap ----------------------------------------------------------------

	extra() {
		let x = this.body.querySelector('.flow-extra');
		if (!x) {
			x = el('div', 'flow-extra');
			this.body.append(x);
		}
		return x;
	}

	async writes(addr, len) {
		const path = this.ctx.prefix() + 'writes/0x' + addr.toString(16) + (len > 1 ? '+' + len : '');
		const sec = el('div', 'flow-writes');
		sec.append(el('div', 'flow-head', 'all writes to 0x' + addr.toString(16) + ' (' + path + ')'));
		try {
			const head = await api.lines(path, 0, 0);
			const start = Math.max(0, head.total - WRITES_SHOWN);
			const r = await api.lines(path, start, WRITES_SHOWN);
			if (head.total > WRITES_SHOWN)
				sec.append(el('div', 'none', 'the last ' + WRITES_SHOWN + ' of ' + head.total));
			const ul = el('ul', 'flow-wlist');
			for (const line of r.lines) {
				const f = line.split(' ');
				const tw = parseInt(f[0], 10);
				const li = el('li', 'flow-w');
				const a = el('a', 'flow-t', 't=' + f[0]);
				a.dataset.t = Math.max(0, tw - 1);
				a.href = '#t=' + a.dataset.t;
				li.append(a, el('span', '', f.slice(1).join(' ')));
				ul.append(li);
			}
			sec.append(ul);
		} catch (e) {
			sec.append(el('div', 'none', e.status === 404 ? 'never written' : e.message));
		}
		return sec;
	}

	callLine(label, c) {
		const div = el('div', 'flow-call');
		const a = el('a', 'flow-t', 't=' + c.t_call);
		a.dataset.t = c.t_call;
		a.href = '#t=' + c.t_call;
		a.title = 'go to this call';
		const args = c.args.map((x) => c.fn === 'free' || (c.fn === 'realloc' && x === c.args[0]) ? x : parseInt(x, 16)).join(', ');
		div.append(el('span', 'flow-lbl', label), a,
			el('span', 'flow-insn', c.fn + '(' + args + ')' + (c.ret ? ' = ' + c.ret : '')),
			el('span', 'flow-fn', 'in ' + c.caller), el('span', 'flow-line', parseWhere(c.where) ?
				parseWhere(c.where).file.split('/').pop() + ':' + parseWhere(c.where).line : ''));
		div.title = c.fn + ' called from ' + (c.where || c.caller);
		if (c.own_where) {
			// a C++ new/delete: the library's frames first, then the
			// program's own line that asked for it
			const w = parseWhere(c.own_where);
			const o = el('a', 'flow-own', 'from ' + (w ? w.func.replace(/\+0x[0-9a-f]+$/, '') + ' ' +
				w.file.split('/').pop() + ':' + w.line : c.own_where));
			o.dataset.t = c.own_t;
			o.href = '#t=' + c.own_t;
			o.title = 'go to the program\'s own line that made this call (' + c.own_where + ', t=' + c.own_t + ')';
			div.append(o);
		}
		return div;
	}

	async heap(t, addr) {
		const sec = el('div', 'flow-heap');
		try {
			const h = await api.json('/api/heap?t=' + t + '&addr=0x' + addr.toString(16) +
				(this.ctx.image() ? '&image=' + this.ctx.image() : ''));
			if (!h.blocks.length) {
				sec.append(el('div', 'flow-head', '0x' + addr.toString(16) + ' is in no heap block (malloc/calloc/realloc)'));
				return sec;
			}
			const cur = h.at !== null ? h.blocks[h.at] : null;
			sec.append(el('div', 'flow-head heap-' + h.state, cur ?
				'0x' + addr.toString(16) + ' is in the heap block ' + cur.addr + '+' + cur.size +
				(h.state === 'freed' ? ': FREED at t=' + cur.free.t_call + ' (a use after free)' : ', live at t=' + t) :
				'0x' + addr.toString(16) + ': no heap block holds it at t=' + t + ' (one does later)'));
			h.blocks.forEach((b, i) => {
				const d = el('div', 'flow-block' + (i === h.at ? ' cur' : ''));
				d.append(el('div', 'flow-bhead', 'block ' + b.addr + '+' + b.size));
				d.append(this.callLine('allocated', b.alloc));
				if (b.free)
					d.append(this.callLine(b.free.fn === 'free' ? 'freed' : 'freed by', b.free));
				else
					d.append(el('div', 'flow-call', 'never freed'));
				sec.append(d);
			});
		} catch (e) {
			sec.append(el('div', 'none', 'heap history: ' + e.message));
		}
		return sec;
	}

	// A byte of memory was clicked at moment t.
	async startMem(t, addr) {
		const x = this.extra();
		x.replaceChildren();
		// the chain first: its hops are what the user waits for
		const hops = await this.chain(t, { addr: BigInt(addr), len: 1 });
		const [heap, writes] = await Promise.all([this.heap(t, addr), this.writes(addr, 1)]);
		this.extra().replaceChildren(heap, writes);
		return hops;
	}

	// A register was clicked at moment t (with the value val).
	async startReg(t, reg, val) {
		const x = this.extra();
		x.replaceChildren();
		const hops = await this.chain(t, { reg });
		if (val && /^0x[0-9a-f]+$/i.test(val) && BigInt(val) > 0xffffn) {
			const heap = await this.heap(t, Number(BigInt(val)));
			if (!heap.textContent.includes('is in no heap block'))
				this.extra().replaceChildren(el('div', 'flow-head', reg + ' = ' + val + ' points to:'), heap);
		}
		return hops;
	}
}
