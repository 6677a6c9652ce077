// ui_search.mjs - the search box and the calls panel in chromium, on
// find_args (run by tests/e2e/ui_search.sh, which gives gdb's answers):
//  1. `/` focuses the search box (not while typing in another input);
//  2. typing "sco" lists score first (a function); the arrows move the
//     selection; Enter opens its calls;
//  3. the 3rd call's row shows gdb's frame arguments (WANT_ARGS, hex
//     numbers compared as 0xX: a native run's addresses differ) and its
//     return value (WANT_RET); a click goes to the moment it names, where
//     the tree says score is at gdb's breakpoint line (WANT_LINE) and the
//     locals panel shows n = 2; the URL says #t=that moment;
//  4. "find_args.c:LINE" opens that line's executions (RUNS rows);
//  5. "total_seen" shows the global in the memory view;
//  6. find_many (TRACE_MANY): tick's 100 000 calls in the virtual list:
//     the last row is call 99999 (n = 99999), the middle of the scroll
//     range shows calls near 50 000, each row's n its index.
// No console error of any kind is allowed.
import { env, fail, check, launch, hsCat, startServer, settled } from '../browser/lib.mjs';

const problems = [];
let server = null, browser = null;
const hex = (s) => s.replace(/0x[0-9a-f]+/g, '0xX');

async function pick(page, q) {
	await page.fill('#search-q', '');
	await page.keyboard.type(q);
	await page.waitForFunction((q) => {
		const rows = document.querySelectorAll('#search-drop .sres');
		return rows.length > 0 && !document.getElementById('search-drop').hidden &&
			document.querySelector('#search-drop .sres .sname') !== null &&
			document.getElementById('search-q').value === q;
	}, q, { timeout: 10000 });
	// the answer to the whole query (typing pauses only after the last key)
	await page.waitForTimeout(300);
	return page.$$eval('#search-drop .sres', (rows) => rows.map((r) => ({
		kind: r.dataset.kind, name: r.querySelector('.sname').textContent,
		sel: r.classList.contains('sel') })));
}

async function main() {
	server = await startServer();
	browser = await launch();
	const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
	page.on('pageerror', (e) => problems.push('page error: ' + e.message));
	page.on('console', (m) => {
		if (m.type() === 'error')
			problems.push('console error: ' + m.text());
	});
	page.on('response', (r) => {
		if (r.status() >= 400)
			problems.push(r.status() + ' ' + r.url());
	});
	await page.goto(server.url);
	await page.waitForFunction(() => window.hindsight && window.hindsight.settled !== undefined,
		null, { timeout: 30000 });

	// 1. `/` while typing in the go-to box is a character, elsewhere the search
	await page.click('#goto-t');
	await page.keyboard.type('1/');
	check(await page.inputValue('#goto-t') === '1/', '`/` in the go-to box did not type a /');
	await page.keyboard.press('Escape');
	await page.fill('#goto-t', '');
	await page.click('#t-now');
	await page.keyboard.press('/');
	check(await page.evaluate(() => document.activeElement.id) === 'search-q',
		'`/` did not focus the search box');

	// 2. a prefix finds the function first; arrows move; Enter opens it
	let rows = await pick(page, 'sco');
	check(rows[0].kind === 'function' && rows[0].name === 'score',
		'"sco": first result is ' + JSON.stringify(rows[0]));
	check(rows[0].sel, 'the first result is not selected');
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowUp');
	rows = await page.$$eval('#search-drop .sres', (r) => r.map((x) => x.classList.contains('sel')));
	check(rows[0] && !rows.slice(1).some((x) => x), 'arrows: the selection is not back on score');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#p-calls:not([hidden]) .crow[data-index="2"]', { timeout: 20000 });
	const title = await page.textContent('#calls-title');
	check(title === 'Calls of score', 'calls panel title: ' + title);

	// 3. the 3rd call: gdb's arguments and return value; click: its moment
	const row = await page.$eval('.crow[data-index="2"]', (r) => ({
		t: parseInt(r.dataset.t, 10), args: r.querySelector('.cargs').textContent,
		ret: r.querySelector('.cret').textContent }));
	const want = 'score (' + env('WANT_ARGS') + ')';
	check(hex(row.args) === hex(want), '3rd call: "' + row.args + '", gdb "' + want + '"');
	check(row.ret === '\u2192 ' + env('WANT_RET'), '3rd call returned "' + row.ret + '", gdb ' + env('WANT_RET'));
	const calls = hsCat('calls/score').trim().split('\n');
	const tCall = parseInt(calls[2].split(' ')[0], 10);
	check(row.t > tCall, 'the row goes to t=' + row.t + ', not after the call at t=' + tCall);
	await page.click('.crow[data-index="2"]');
	await settled(page, row.t, 'clicking the 3rd call');
	const where = hsCat('time/' + row.t + '/where').trim();
	check(new RegExp('^score\\+0x[0-9a-f]+ .*find_args\\.c:' + env('WANT_LINE') + '$').test(where),
		'time/' + row.t + '/where is "' + where + '": not gdb\'s breakpoint line ' + env('WANT_LINE'));
	await page.waitForSelector('#locals-body .xrow[data-expr="n"]', { timeout: 10000 }).catch(() => {});
	const n = await page.$$eval('#locals-body .xrow', (rs) => rs.map((r) =>
		r.querySelector('.vname').textContent + '=' + r.querySelector('.vval').textContent));
	check(n.includes('n=2'), 'the locals panel at the 3rd call shows ' + JSON.stringify(n));
	const hash = await page.evaluate(() => location.hash);
	check(hash === '#t=' + row.t, 'the URL says ' + hash + ', not #t=' + row.t);

	// 4. file:line: the line's executions
	await page.keyboard.press('/');
	rows = await pick(page, 'find_args.c:' + env('LINE'));
	check(rows[0].kind === 'line', '"find_args.c:LINE": first result ' + JSON.stringify(rows[0]));
	await page.keyboard.press('Enter');
	await page.waitForFunction((title) => document.getElementById('calls-title').textContent === title &&
		document.querySelectorAll('#calls-body .crow').length > 0,
	'Executions of find_args.c:' + env('LINE'), { timeout: 20000 });
	const runs = await page.$$eval('#calls-body .crow', (r) => r.length);
	check(runs === parseInt(env('RUNS'), 10), 'line ' + env('LINE') + ': ' + runs + ' rows, gdb ' + env('RUNS'));

	// 5. a global: the memory view at its address
	await page.keyboard.press('Escape');
	await page.keyboard.press('/');
	rows = await pick(page, 'total_seen');
	check(rows[0].kind === 'variable', '"total_seen": ' + JSON.stringify(rows[0]));
	const addr = await page.$eval('#search-drop .sres .sdetail', (d) => d.textContent.split(' ')[0]);
	await page.keyboard.press('Enter');
	await page.waitForFunction((a) => document.getElementById('mem-addr').value === a, addr, { timeout: 10000 });

	await page.waitForTimeout(300);
	check(problems.length === 0, problems.join('; '));
	const many = await manyCalls(page);
	console.log('PASS search: / focus, sco -> score, 3rd call ' + row.args + ' ' + row.ret +
		' -> t=' + row.t + ', find_args.c:' + env('LINE') + ' ' + runs + ' runs, total_seen at ' + addr +
		'; ' + many);
}

// The rows shown in the calls panel: [index, n] (tick's argument).
function shownRows(page) {
	return page.$$eval('#calls-body .crow', (rs) => rs.map((r) => [parseInt(r.dataset.index, 10),
		(/n=(\d+)/.exec(r.querySelector('.cargs').textContent) || [])[1]]));
}

async function manyCalls(page) {
	const srv = await startServer({ TRACE: env('TRACE_MANY') });
	try {
		await page.goto(srv.url);
		await page.waitForFunction(() => window.hindsight && window.hindsight.settled !== undefined,
			null, { timeout: 30000 });
		await page.click('#t-now');
		await page.keyboard.press('/');
		const rows = await pick(page, 'tick');
		check(rows[0].name === 'tick', '"tick": ' + JSON.stringify(rows[0]));
		await page.keyboard.press('Enter');
		await page.waitForSelector('#calls-body .crow[data-index="0"]', { timeout: 20000 });
		const cap = await page.textContent('#calls-cap');
		check(/ 100000 calls$/.test(cap), 'tick: caption "' + cap + '"');
		for (const [frac, lo, hi] of [[1, 99990, 99999], [0.5, 49000, 51000]]) {
			await page.$eval('#calls-body', (b, f) => { b.scrollTop = f * (b.scrollHeight - b.clientHeight); }, frac);
			await page.waitForFunction(([lo, hi]) => {
				const r = document.querySelector('#calls-body .crow');
				const i = r ? parseInt(r.dataset.index, 10) : -1;
				return i >= lo - 60 && i <= hi;
			}, [lo, hi], { timeout: 20000 });
			const shown = await shownRows(page);
			check(shown.length > 3, 'scrolled to ' + frac + ': ' + shown.length + ' rows');
			for (const [i, n] of shown)
				check(String(i) === n, 'scrolled to ' + frac + ': row ' + i + ' shows n=' + n);
			if (frac === 1)
				check(shown[shown.length - 1][0] === 99999, 'the last row is ' + shown[shown.length - 1][0]);
		}
		check(problems.length === 0, problems.join('; '));
		return 'tick: 100000 calls, last and middle rows right';
	} finally {
		await srv.stop();
	}
}

main().catch((e) => {
	console.log('FAIL ' + e.message);
	process.exitCode = 1;
}).finally(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.stop();
});
