// crash.js - when the process shown ended by a signal, a banner under the
// toolbar says what: the signal and its siginfo (info's exit-signal and
// exit-siginfo lines: si_code, the fault address), the faulting
// instruction, function and line (time/crash/insn and where: the state
// before the instruction the signal interrupted), with a link to that
// moment.  The timeline gets the image's crash mark, and at that moment
// the disassembly marks the faulting instruction.
import * as api from './api.js';
import { el, parseWhere, frameTime } from './panels.js';

function infoLine(info, key) {
	const m = new RegExp('^' + key + ':\\s*(.*)$', 'm').exec(info || '');
	return m ? m[1].trim() : null;
}

export class CrashBanner {
	// ctx: { prefix(), go(t), setMarks(marks) }
	constructor(ctx) {
		this.ctx = ctx;
		this.box = document.getElementById('crash');
		this.crash = null; // {t, signal, siginfo, insn, where}
		this.seq = 0;
		this.box.addEventListener('click', (ev) => {
			// the page's <body> carries data-t too (the moment shown, for
			// the tests): only a link inside this box goes anywhere
			const a = ev.target.closest('[data-t]');
			if (a && this.box.contains(a) && a !== this.box) {
				ev.preventDefault();
				this.ctx.go(parseInt(a.dataset.t, 10));
			}
		});
	}

	// The t a mark of time/ points to, null when time/ has no such mark
	// (listed first: asking for a link that is not there is a 404).
	async linkT(marks, name) {
		if (!marks.includes(name))
			return null;
		const l = await api.link(this.ctx.prefix() + 'time/' + name);
		const m = /(\d+)$/.exec(l.path);
		return m ? parseInt(m[1], 10) : null;
	}

	// Loads the crash of the image shown (call again when it changes).
	async load(baseMarks) {
		const seq = ++this.seq;
		const prefix = this.ctx.prefix();
		this.crash = null;
		this.box.hidden = true;
		let c = null, main = null;
		try {
			const d = await api.tree(prefix + 'time');
			const marks = (d.entries || []).map((e) => e.name);
			[c, main] = await Promise.all([this.linkT(marks, 'crash'), this.linkT(marks, 'main')]);
		} catch (e) {
			c = null;
		}
		if (seq !== this.seq)
			return;
		this.ctx.setMarks(Object.assign({}, baseMarks, { crash: c, main: main }));
		if (c === null)
			return this.otherCrash(seq);
		const [info, insn, where, bt] = await Promise.all(['info', 'time/' + c + '/insn', 'time/' + c + '/where',
			'time/' + c + '/backtrace'].map((p) => api.tree(prefix + p).then((s) => String(s).trim(), () => null)));
		if (seq !== this.seq)
			return;
		this.crash = {
			t: c,
			signal: infoLine(info, 'exit-signal') || 'a signal',
			siginfo: infoLine(info, 'exit-siginfo'),
			insn: insn ? insn.replace(/^(\S+)\s+[0-9a-f]+\s+/, '$1  ') : null,
			where: where,
			own: null,
			said: null,
		};
		this.render();
		// abort(), raise() and a failed assert() stop in the C library:
		// name the program's own frame too, and what it said last
		const [own, said] = await Promise.all([this.ownFrame(bt),
			this.crash.signal === 'SIGABRT' ? this.lastWords(prefix, c) : null]);
		if (seq !== this.seq)
			return;
		this.crash.own = own;
		this.crash.said = said;
		this.render();
	}

	// The innermost frame of the crash's backtrace whose source file is on
	// this machine (the program's own code; the C library's sources are
	// not): {k, where, t}; null when that is frame #0 or none is.
	async ownFrame(bt) {
		const rows = (bt || '').split('\n').filter((l) => l.trim() !== '');
		const seen = new Map();
		for (let k = 0; k < rows.length && k < 16; k++) {
			const w = parseWhere(rows[k].trim().replace(/^#\d+\s+/, '').replace(/\s+\S+$/, ''));
			if (!w)
				continue;
			const name = w.file.split('/').pop();
			if (!seen.has(name))
				seen.set(name, api.search(name, this.ctx.image()).then((r) => r.results.some((x) =>
					x.kind === 'file' && x.name === name && x.source), () => false));
			if (!(await seen.get(name)))
				continue;
			const t = k > 0 ? frameTime(rows[k - 1]) : null;
			return k > 0 && t !== null ? { k, where: w.func.replace(/\+0x[0-9a-f]+$/, '') + ' ' + name + ':' + w.line, t } : null;
		}
		return null;
	}

	// The last line the process wrote to stderr before the crash (an
	// assertion's message), null when none is near.
	async lastWords(prefix, t) {
		try {
			const head = await api.lines(prefix + 'output', 0, 0);
			const r = await api.lines(prefix + 'output', Math.max(0, head.total - 4), 4);
			for (const line of r.lines.slice().reverse()) {
				const m = /^(\d+)\s+2\s+(.*)$/.exec(line);
				if (m && parseInt(m[1], 10) <= t)
					return m[2].replace(/\\n$/, '').replace(/\\n/g, ' ').slice(0, 300);
			}
		} catch (e) {
			// no output file: nothing said
		}
		return null;
	}

	// This process ended well, another one of the recording did not (a
	// fork child's segfault under a parent that exits 0): say so, with a
	// link to that process at its end.
	async otherCrash(seq) {
		let rows;
		try {
			rows = await this.ctx.procs();
		} catch (e) {
			return;
		}
		if (seq !== this.seq || !rows)
			return;
		const bad = rows.map((r) => r.p || r).filter((p) => p.index !== this.ctx.image() &&
			/^SIG/.test(p.ended || ''));
		if (!bad.length)
			return;
		const p = bad[0];
		const a = el('a', 'crash-go', 'show it');
		a.href = '#t=' + p.instructions + '&image=' + p.index;
		a.title = 'go to the end of process ' + p.name;
		this.box.replaceChildren(
			el('strong', 'crash-sig', 'Process ' + (p.program || '?').split('/').pop() + ' ' + p.pid +
				' was killed by ' + p.ended),
			el('span', 'crash-where', (p.how ? '(' + p.how + ' of ' + p.parent + ')' : '') +
				(bad.length > 1 ? ', and ' + (bad.length - 1) + ' more process(es) by a signal' : '')),
			a);
		this.box.title = bad.map((b) => b.name + ': ' + b.ended).join('\n');
		this.box.hidden = false;
	}

	render() {
		const c = this.crash;
		// gdb's $_siginfo._sifields._sigfault.si_addr: NULL is 0x0
		const addr = c.siginfo && /si_addr=(0x[0-9a-f]+|NULL)/.exec(c.siginfo);
		if (addr && addr[1] === 'NULL')
			addr[1] = '0x0';
		const code = c.siginfo && /si_code=(\w+)/.exec(c.siginfo);
		const a = el('a', 'crash-go', 'go to t=' + c.t);
		a.href = '#t=' + c.t;
		a.dataset.t = c.t;
		const parts = [
			el('strong', 'crash-sig', 'Killed by ' + c.signal + (code ? ' (' + code[1] + ')' : '')),
			el('span', 'crash-addr', addr ? 'fault address ' + addr[1] : ''),
			el('span', 'crash-insn', c.insn ? 'at ' + c.insn : ''),
			el('span', 'crash-where', c.where ? 'in ' + c.where : '')];
		if (c.own) {
			const o = el('a', 'crash-own', 'called from ' + c.own.where);
			o.href = '#t=' + c.own.t;
			o.dataset.t = c.own.t;
			o.title = 'frame #' + c.own.k + ' of the backtrace: the program\'s own code, at its call inward (t=' + c.own.t + ')';
			parts.push(o);
		}
		if (c.said)
			parts.push(el('span', 'crash-said', '\u201c' + c.said + '\u201d'));
		this.box.replaceChildren(...parts, a);
		this.box.title = c.siginfo || c.signal;
		this.box.hidden = false;
	}

	// At the crash, the current instruction of the disassembly is the
	// faulting one: say so.
	onMoment(m) {
		if (!this.crash || m.t !== this.crash.t)
			return;
		const row = document.querySelector('#disasm-body .drow.cur');
		if (row) {
			row.classList.add('fault');
			row.title = 'the faulting instruction: ' + this.crash.signal;
			row.append(el('span', 'fault-tag', '\u26a1 ' + this.crash.signal));
		}
	}
}
