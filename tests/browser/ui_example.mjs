// ui_example.mjs - the web UI on the bundled example, driven in chromium:
//  1. open it; step 10 instructions forward and 10 back with the buttons,
//     comparing the registers panel with `hindsight cat time/T/regs` at
//     every moment; the history (back) names the moments;
//  2. dataflow: at the end, click the corrupted byte (the low byte of
//     ledger[0].balance, cleared by copy_name's off-by-one NUL) in the
//     memory view and land on the buggy store `dst[n] = '\0'`;
//  3. add a note there, restart the server, find the note and jump to it;
//  4. save a screenshot (OUT/ui-screenshot.png);
//  5. step into by line from main's first line until inside copy_name, and
//     from the buggy store out to main; then back by line; each step equal
//     to the tree's time/T/step-into and step-back links, with the source
//     panel on time/T'/where's line.
// Prints "PASS ..." or "FAIL <why>" and exits 0 or 1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env, check, launch, newPage, hsCat, hs, startServer, settled,
	panelRegs, treeRegs, sameRegs } from './lib.mjs';

const PROG = env('PROG');       // build/programs/example
const OUT = env('OUT');
const problems = [];
let server = null, browser = null;

// The address of the low byte of ledger[0].balance, from the tree (the
// image's maps at the end) and the program's own symbol table.
function balanceAddr() {
	const sym = process.env.LEDGER_SYM; // nm value of `ledger`, hex
	check(sym, 'LEDGER_SYM is not set');
	const elf = readFileSync(PROG);
	const pie = elf.readUInt16LE(16) === 3; // e_type ET_DYN
	let base = 0;
	if (pie) {
		const maps = hsCat('time/end/maps').split('\n');
		const first = maps.find((l) => l.includes(PROG) && / 00000000 /.test(l));
		check(first, 'time/end/maps has no offset-0 mapping of ' + PROG);
		base = parseInt(first.split('-')[0], 16);
	}
	// struct account { char owner[16]; long balance; int id; }: balance at 16
	return base + parseInt(sym, 16) + 16;
}

// The moment's links and where, as the UI holds them.
function moment(page) {
	return page.evaluate(() => window.hindsight.m);
}

// Clicks sel and checks that the UI lands on want, and that the tree's
// where at want says `line` (a regex) there.
async function move(page, sel, want, what, whereRe) {
	check(typeof want === 'number', what + ': no link in the moment');
	await page.click(sel);
	await settled(page, want, what);
	const w = hsCat('time/' + want + '/where').trim();
	check(whereRe.test(w), what + ': time/' + want + '/where is "' + w + '", expected ' + whereRe);
	return want;
}

// Source-level moving from the buggy store (example.c:39 in copy_name):
// line steps, finish, reverse-finish, a frame of the backtrace, and the
// previous execution of the line, each checked against the tree's where.
async function sourceMoves(page, t) {
	let m = await moment(page);
	await move(page, '#b-next-line', m.links['next-line'], 'next line', /copy_name.*example\.c:40$/);
	m = await moment(page);
	await move(page, '#b-prev-line', m.links['prev-line'], 'previous line', /copy_name.*example\.c:39$/);
	await page.goto(page.url().replace(/#.*$/, '') + '#t=' + t);
	await settled(page, t, 'back to the store');
	m = await moment(page);
	await move(page, '#b-finish', m.links.finish, 'finish', /rename_account.*example\.c:5[12]$/);
	await page.goBack();
	await settled(page, t, 'back after finish');
	await move(page, '#b-caller', m.links.caller, 'reverse-finish', /rename_account.*example\.c:51$/);
	await page.goBack();
	await settled(page, t, 'back after reverse-finish');
	// backtrace frame #1 (rename_account): that frame where it is, the
	// moment it called frame #0 (frame #0's t_call), where the tree's where
	// names the function and line the row names
	const frame0 = await page.textContent('#backtrace-body .frow:nth-child(1)');
	const frame = await page.textContent('#backtrace-body .frow:nth-child(2)');
	const ft = parseInt(frame0.trim().split(/\s+/).pop(), 10);
	check(/rename_account/.test(frame) && Number.isFinite(ft), 'backtrace frames #0, #1 are "' + frame0 +
		'", "' + frame + '"');
	await page.click('#backtrace-body .frow:nth-child(2)');
	await settled(page, ft, 'clicking backtrace frame #1');
	const fw = hsCat('time/' + ft + '/where').trim().split(/\s+/);
	const fr = frame.trim().split(/\s+/);
	check(fw[0].replace(/\+.*$/, '') === fr[1].replace(/\+.*$/, '') && fw[1] === fr[2],
		'clicking "' + frame + '" shows t=' + ft + ' where the tree says "' + fw.join(' ') + '"');
	await page.goto(page.url().replace(/#.*$/, '') + '#t=' + t);
	await settled(page, t, 'back to the store');
	// the previous execution of line 39: the latest start of 39 before t
	const linesPath = await page.evaluate(() => document.getElementById('cap-source').textContent);
	const file = /^sources\/(\S+):39/.exec(linesPath);
	check(file, 'the source caption is "' + linesPath + '"');
	const starts = hsCat('lines/' + file[1] + '/39').split('\n').map((x) => parseInt(x, 10))
		.filter((x) => Number.isFinite(x) && x < t);
	check(starts.length > 0, 'lines/' + file[1] + '/39 has no start before t=' + t);
	await move(page, '#b-prev-exec', starts[starts.length - 1], 'previous execution of line 39', /example\.c:39$/);
	return 'next/prev line, finish, reverse-finish, backtrace, previous execution agree with the tree';
}

// The target of the link `name` in time/T, from `hindsight ls -l`
// ("l SIZE name -> ../T'"); null when the tree has no such link.
function treeLink(t, name) {
	for (const line of hs('ls', '-l', env('TRACE'), 'time/' + t).split('\n')) {
		const m = /^l\s+\S+\s+(\S+)\s+->\s+\.\.\/(\d+)$/.exec(line.trim());
		if (m && m[1] === name)
			return parseInt(m[2], 10);
	}
	return null;
}

// The source panel's current line must be that of time/T/where.
async function sourceLineIs(page, t, what) {
	const w = parseWhere(hsCat('time/' + t + '/where'));
	check(w, what + ': time/' + t + '/where has no file:line');
	const cur = await page.evaluate(() => {
		const b = document.querySelector('#source-body');
		return b.dataset.line ? parseInt(b.dataset.line, 10) : null;
	});
	check(cur === w.line, what + ': the source panel marks line ' + cur + ', time/' + t + '/where says ' +
		w.func + ' ' + w.file + ':' + w.line);
	return w;
}

function parseWhere(s) {
	const m = /^(\S+)\s+(.+):(\d+)\s*$/.exec(s.trim());
	return m ? { func: m[1].replace(/\+0x[0-9a-f]+$/, ''), file: m[2], line: parseInt(m[3], 10) } : null;
}

// Steps into by line (gdb's step) from t0 until the source panel is in
// function `stop`, alternating the button and the `i` key; then steps back
// by line (gdb's reverse-step) as many times with the button and `I`.  Each
// moment is the tree's link (`hindsight ls -l` of time/T), the source panel
// marks time/T'/where's line, and the way back retraces the way in (every
// stop is a line start; t0 too when t0IsStart).  Returns the functions.
async function lineSteps(page, t0, stop, t0IsStart) {
	await page.goto(page.url().replace(/#.*$/, '') + '#t=' + t0);
	await settled(page, t0, 'opening t=' + t0);
	const path = [t0];
	const funcs = [(await sourceLineIs(page, t0, 't=' + t0)).func];
	let t = t0;
	do {
		check(path.length <= 20, 'step into: no ' + stop + ' after 20 steps from t=' + t0 + ' (' + funcs.join(' ') + ')');
		const want = treeLink(t, 'step-into');
		check(typeof want === 'number', 'time/' + t + ' has no step-into link');
		const ui = await page.evaluate(() => window.hindsight.m.links['step-into']);
		check(ui === want, 't=' + t + ': links.step-into is ' + ui + ', the tree says ' + want);
		if (path.length % 2)
			await page.click('#b-step-into');
		else
			await page.keyboard.press('i');
		await settled(page, want, 'step into ' + path.length + ' from t=' + t);
		t = want;
		path.push(t);
		funcs.push((await sourceLineIs(page, t, 'step into to t=' + t)).func);
	} while (funcs[funcs.length - 1] !== stop);
	// gdb's reverse-step stops at each statement row of a line: out of a
	// callee it first stops at the row holding the call, which may be a
	// later row of the line the step into came from (a few at most)
	let rows = 0;
	for (let i = path.length - 1; i > 0; i--) {
		const want = treeLink(t, 'step-back');
		check(typeof want === 'number', 'time/' + t + ' has no step-back link');
		if ((i > 1 || t0IsStart) && want !== path[i - 1]) {
			const a = parseWhere(hsCat('time/' + want + '/where'));
			const b = parseWhere(hsCat('time/' + path[i - 1] + '/where'));
			check(a && b && a.func === b.func && a.line === b.line && want > path[i - 1] && ++rows <= 8,
				'time/' + t + '/step-back is ' + want + ', step into came from ' + path[i - 1]);
			i++; /* the same line again, at its earlier row */
		}
		const ui = await page.evaluate(() => window.hindsight.m.links['step-back']);
		check(ui === want, 't=' + t + ': links.step-back is ' + ui + ', the tree says ' + want);
		if (i % 2)
			await page.click('#b-step-back');
		else
			await page.keyboard.press('Shift+I');
		await settled(page, want, 'step back from t=' + t);
		t = want;
		await sourceLineIs(page, t, 'step back to t=' + t);
	}
	return funcs.join(' -> ');
}

// Into calls from main's first line (main -> open_account -> copy_name),
// and out of returns from the buggy store (copy_name -> rename_account ->
// main), where stepping back by line goes into the callee's last line,
// not to the call as the previous line (N) would.
async function lineStepsBoth(page, tMain, tStore) {
	const into = await lineSteps(page, tMain, 'copy_name', true);
	check(/open_account/.test(into), 'step into went ' + into + ', not through open_account');
	const out = await lineSteps(page, tStore, 'main', false);
	check(/rename_account/.test(out), 'step into went ' + out + ', not out through rename_account');
	return 'step into and back by line agree with the tree (' + into + '; ' + out + ')';
}

// Dataflow from a register: click rax; the UI lands where the instruction
// that last changed it is about to run (the origin's t - 1).
async function regOrigin(page, server, t) {
	const res = await fetch(server.origin + '/api/origin?t=' + t + '&reg=rax');
	await page.click('#regs-body .rrow[data-reg="rax"]');
	check(res.ok, '/api/origin?reg=rax answered ' + res.status);
	const o = await res.json();
	await settled(page, o.t - 1, 'clicking rax');
	const at = treeRegs(o.t).rax, now = treeRegs(t).rax, before = treeRegs(o.t - 1).rax;
	check(at === now, 'rax at the origin t=' + o.t + ' is ' + at + ', at t=' + t + ' ' + now);
	check(before !== at, 'the instruction at t=' + (o.t - 1) + ' did not change rax (' + before + ')');
	await page.goBack();
	await settled(page, t, 'back after the register origin');
	return 'rax -> t=' + (o.t - 1);
}

// The events list maps its scroll fraction to a line index (no element
// as tall as the file): scrolled to the middle, it shows the lines of
// `hindsight cat events` from there, and a click goes to a line's t.
// The timeline: a click at a quarter of its width goes to t_end / 4.
async function listsAndTimeline(page, tEnd) {
	const events = hsCat('events').split('\n').filter((l) => l !== '');
	await page.click('.tab[data-list=events]');
	await page.waitForSelector('#list-body .vrow');
	await page.evaluate(() => window.hindsight.listOpened); // its first scroll done
	const range = await page.evaluate(() => {
		const el = document.getElementById('list-body');
		el.scrollTop = (el.scrollHeight - el.clientHeight) / 2;
		return el.scrollHeight - el.clientHeight;
	});
	check(range > 0, 'the events list (' + events.length + ' lines) does not scroll');
	const visible = await page.evaluate(() => Math.floor(document.getElementById('list-body').clientHeight / 18));
	const want = Math.round(0.5 * (events.length - visible));
	const near = (w) => {
		const r = document.querySelector('#list-body .vrow');
		return r && Math.abs(parseInt(r.dataset.index, 10) - w) <= 1;
	};
	try {
		await page.waitForFunction(near, want, { timeout: 10000 });
	} catch (e) {
		const got = await page.evaluate(() => document.querySelector('#list-body .vrow').dataset.index);
		check(false, 'scrolled halfway, the list starts at line ' + got + ' of ' + events.length +
			', expected about ' + want);
	}
	const rows = await page.evaluate(() => [...document.querySelectorAll('#list-body .vrow')]
		.map((r) => [parseInt(r.dataset.index, 10), r.dataset.text]));
	for (const [i, text] of rows)
		check(text === events[i], 'events line ' + i + ' is "' + text + '" in the list, "' + events[i] + '" in the tree');
	const pick = rows[Math.min(3, rows.length - 1)];
	await page.click('#list-body .vrow[data-index="' + pick[0] + '"]');
	await settled(page, parseInt(pick[1], 10), 'clicking events line ' + pick[0]);
	const box = await page.locator('#timeline').boundingBox();
	await page.mouse.click(box.x + box.width / 4, box.y + box.height / 2);
	const tq = await page.evaluate(() => window.hindsight.t);
	check(Math.abs(tq - tEnd / 4) <= tEnd / box.width + 1, 'a click at 1/4 of the timeline asked t=' + tq + ' of ' + tEnd);
	await settled(page, tq, 'clicking the timeline');
	return 'events list scrolled to line ' + rows[0][0] + ' of ' + events.length + ' equals the tree; timeline click';
}

async function main() {
	server = await startServer();
	browser = await launch();
	const page = await newPage(browser, problems);
	const info = JSON.parse(await (await fetch(server.origin + '/api/info')).text());
	const tEnd = info.t_end;

	let srcLists = '';
	// ---- 1. open, step 10 forward, 10 back ----------------------------------
	const t0 = Math.floor(tEnd / 2);
	await page.goto(server.url.replace(/#.*$/, '') + '#t=' + t0);
	await settled(page, t0, 'opening #t=' + t0);
	await page.check('#regs-vec'); // every register, vector ones too
	sameRegs(await panelRegs(page), treeRegs(t0), t0);
	let t = t0;
	for (let i = 0; i < 10; i++) {
		const next = await page.evaluate(() => window.hindsight.m.links.next);
		check(next === t + 1, 't=' + t + ': links.next is ' + next);
		await page.click('#b-next');
		await settled(page, next, 'step ' + (i + 1));
		t = next;
		sameRegs(await panelRegs(page), treeRegs(t), t);
	}
	check(page.url().endsWith('#t=' + (t0 + 10)), 'the URL after 10 steps is ' + page.url());
	for (let i = 0; i < 10; i++) {
		await page.click('#b-prev');
		await settled(page, t - 1, 'reverse step ' + (i + 1));
		t--;
		sameRegs(await panelRegs(page), treeRegs(t), t);
	}
	check(t === t0, 'back at t=' + t + ', expected ' + t0);
	// keyboard and history: Right steps, browser back returns
	await page.keyboard.press('ArrowRight');
	await settled(page, t0 + 1, 'the Right key');
	await page.goBack();
	await settled(page, t0, 'the browser\'s back button');
	// a link whose t does not fit is said so, and the URL shows the moment
	for (const bad of ['0x100', '1e3', '-5', '99999999999']) {
		const base = page.url().replace(/#.*$/, '');
		await page.goto(base + '#t=' + bad);
		const want = bad === '99999999999' ? tEnd : t0;
		await settled(page, want, '#t=' + bad);
		await page.waitForFunction((b) => document.getElementById('status').textContent
			.includes('t=' + b), bad, { timeout: 10000 }).catch(() => {});
		const st = await page.evaluate(() => document.getElementById('status').textContent);
		check(st.includes('t=' + bad) && st.includes('did not fit'),
			'#t=' + bad + ': the status says "' + st + '"');
		check(page.url().endsWith('#t=' + want), '#t=' + bad + ': the URL became ' + page.url());
		if (want !== t0) {
			await page.goto(base + '#t=' + t0);
			await settled(page, t0, 'back to #t=' + t0);
		}
	}

	// ---- lists and timeline --------------------------------------------------
	srcLists = await listsAndTimeline(page, tEnd);

	// ---- 2. dataflow: the corrupted byte -> the buggy store -------------------
	const addr = balanceAddr();
	await page.goto(server.url.replace(/#.*$/, '') + '#t=' + tEnd);
	await settled(page, tEnd, 'opening the end');
	await page.fill('#mem-addr', '0x' + addr.toString(16));
	await page.click('#mem-form button[type=submit]');
	const byteSel = '#mem-body .byte[data-addr="' + addr + '"]';
	await page.waitForSelector(byteSel, { timeout: 15000 });
	const shown = await page.textContent(byteSel);
	check(shown === '00', 'the corrupted byte shows ' + shown + ', expected 00 (the NUL)');
	const lw = hs('query', env('TRACE'), 'last-write', '0x' + addr.toString(16), '1', String(tEnd)).trim().split(/\s+/);
	const tWrite = parseInt(lw[0], 10);
	check(Number.isFinite(tWrite) && tWrite > 0, 'hindsight query last-write says: ' + lw.join(' '));
	await page.click(byteSel);
	await settled(page, tWrite - 1, 'clicking the corrupted byte');
	const insn = hsCat('time/' + (tWrite - 1) + '/insn');
	check(/movb\s+\$0,/.test(insn), 'the landing instruction is "' + insn.trim() + '", expected the NUL store movb $0');
	const curDis = await page.textContent('#disasm-body .drow.cur .text');
	check(curDis && /movb\s+\$0,/.test(curDis), 'the disassembly marks "' + curDis + '", expected movb $0, ...');
	const origin = await page.textContent('#mem-origin');
	check(origin.includes('t=' + tWrite), 'the origin line says "' + origin + '"');
	const where = await page.evaluate(() => window.hindsight.m.where);
	let srcNote = 'no source paths in this build';
	if (where !== null) {
		const cur = await page.evaluate(() => window.hindsight.sourcePanel.currentText());
		check(cur && cur.includes("dst[n] = '\\0'"), 'the source panel marks "' + cur + '", expected dst[n] = \'\\0\'');
		srcNote = 'source panel shows dst[n] = \'\\0\'';
	}
	await page.screenshot({ path: join(OUT, 'ui-screenshot.png') });
	srcNote += '; ' + await regOrigin(page, server, tWrite - 1);
	if (where !== null) {
		srcNote += '; ' + await sourceMoves(page, tWrite - 1);
		check(typeof info.marks.main === 'number', '/api/info has no marks.main');
		srcNote += '; ' + await lineStepsBoth(page, info.marks.main, tWrite - 1);
	}

	// ---- 3. a note survives a restart --------------------------------------------
	const tNote = tWrite - 1;
	await page.goto(server.url.replace(/#.*$/, '') + '#t=' + tNote);
	await settled(page, tNote, 'opening the store again');
	const text = 'copy_name writes the NUL into balance ' + process.pid;
	await page.click('.tab[data-list=notes]');
	await page.fill('#note-text', text);
	await page.click('#note-form button[type=submit]');
	await page.waitForFunction((x) => [...document.querySelectorAll('#notes-list .ntext')]
		.some((e) => e.textContent === x), text, { timeout: 10000 });
	await server.stop();
	server = await startServer();
	await page.goto(server.url.replace(/#.*$/, '') + '#t=0');
	await settled(page, 0, 'opening after the restart');
	await page.click('.tab[data-list=notes]');
	const item = page.locator('#notes-list li.note', { hasText: text });
	await item.waitFor({ timeout: 10000 });
	await item.locator('a.nt').click();
	await settled(page, tNote, 'clicking the note');
	// delete it: the list no longer has it, and neither does the server
	await item.locator('button.ndel').click();
	await page.waitForFunction((x) => ![...document.querySelectorAll('#notes-list .ntext')]
		.some((e) => e.textContent === x), text, { timeout: 10000 });
	const left = await (await fetch(server.origin + '/api/notes')).json();
	check(!left.some((n) => n.text === text), 'the deleted note is still in /api/notes');

	check(problems.length === 0, problems.join('; '));
	console.log('PASS ui_example: registers equal the tree over 20 steps; byte 0x' + addr.toString(16) +
		' -> t=' + (tWrite - 1) + ' (' + insn.trim() + '), ' + srcNote + '; ' + srcLists + '; note survived a restart');
}

try {
	await main();
} catch (e) {
	console.log('FAIL ' + e.message);
	process.exitCode = 1;
} finally {
	if (browser)
		await browser.close().catch(() => {});
	if (server)
		await server.stop();
}
