// ui_vars.mjs - the variables panel (server/ui/src/vars.js) in chromium, on
// expr_data stopped at probe's return (TRACE, T):
//  1. expand the local `it` (a pointer: its child is *it), then *it (a
//     struct): the members read it->id, it->balance, it->owner, each value
//     equal to the tree's time/T/eval/<expr>;
//     the globals list: g_count, then g_head -> *g_head -> g_head->next;
//  2. type expressions in the expression box (acc[1].balance,
//     g_head->next->v, *p, a misspelt name): each result equals the tree's
//     text, the error too;
//  3. click the value of *p (it lives in memory): the dataflow query runs
//     and lands on the write of those bytes;
//  4. give the memory box an expression (&g_count): it shows that address;
//  5. GET /api/eval with frame=1 reads main's locals as the tree does at
//     the call; a frame that is not there is a 404;
//  6. a C++ recording (TRACE2, T2: u16_std at main's end): the local
//     `items` reads gdb's pretty text (not locals/' raw {_M_impl = ...}),
//     opens to its elements, and the box computes items.size();
//  7. no console error of any kind during all this.
// Prints "PASS ..." or "FAIL <why>" and exits 0 or 1.
import { env, check, launch, newPage, hs, hsCat, startServer, settled } from '../browser/lib.mjs';

const T = parseInt(env('T'), 10);
const problems = [];
let server = null, browser = null;

const treeEval = (t, e) => hsCat('time/' + t + '/eval/' + e.replace(/%/g, '%25').replace(/\//g, '%2F')).replace(/\n$/, '');

// The value shown on the row of expr (in sel), waiting for it to appear.
async function rowValue(page, sel, expr) {
	const row = page.locator(sel + ' .xrow[data-expr="' + expr + '"]').first();
	await row.waitFor({ timeout: 10000 });
	return (await row.locator('.vval').textContent()).trim();
}

async function main() {
	server = await startServer();
	browser = await launch();
	const page = await newPage(browser, problems);
	// Every console error and failed request counts (the source view asks
	// /api/source, which never fails for a file it does not have).
	page.on('response', (r) => {
		if (r.status() >= 400)
			problems.push(r.status() + ' for ' + r.url().replace(server.origin, ''));
	});
	await page.goto(server.url.replace(/#.*$/, '') + '#t=' + T);
	await settled(page, T, 'opening at probe\'s return');

	// 1. a pointer, then the struct it points to
	await page.click('#locals-body .xrow[data-expr="it"] .vname');
	check(await rowValue(page, '#locals-body', '*it') === treeEval(T, '*it'), '*it differs from the tree');
	await page.click('#locals-body .xrow[data-expr="*it"] .vname');
	for (const e of ['it->id', 'it->balance', 'it->owner']) {
		const v = await rowValue(page, '#locals-body', e);
		check(v === treeEval(T, e), e + ' shows "' + v + '", the tree says "' + treeEval(T, e) + '"');
	}
	// an array of structs: acc is a pointer, arr an array of ints
	await page.click('#locals-body .xrow[data-expr="arr"] .vname');
	check(await rowValue(page, '#locals-body', 'arr[4]') === '50', 'arr[4] is not 50');

	// the compile unit's globals (time/T/globals), a list through a pointer
	check(await rowValue(page, '#globals-body', 'g_count') === treeEval(T, 'g_count'), 'g_count differs');
	await page.click('#globals-body .xrow[data-expr="g_head"] .vname');
	await page.click('#globals-body .xrow[data-expr="*g_head"] .vname');
	const nx = await rowValue(page, '#globals-body', 'g_head->next');
	check(nx === treeEval(T, 'g_head->next').replace(/^\([^)]*\) /, ''),
		'g_head->next shows "' + nx + '", the tree says "' + treeEval(T, 'g_head->next') + '"');

	// 2. the expression box
	const typed = ['acc[1].balance', 'g_head->next->v', '*p', 'nosuch'];
	for (const e of typed) {
		await page.fill('#expr-input', e);
		await page.press('#expr-input', 'Enter');
		const v = await rowValue(page, '#watch-body', e);
		check(v === treeEval(T, e), 'typed ' + e + ': shows "' + v + '", the tree says "' + treeEval(T, e) + '"');
	}
	// a typed struct expands too
	await page.fill('#expr-input', 'g_accounts[2]');
	await page.press('#expr-input', 'Enter');
	await page.click('#watch-body .xrow[data-expr="g_accounts[2]"] .vname');
	// gdb's print of the char array, to its end: "carol\000..."
	const owner = await rowValue(page, '#watch-body', 'g_accounts[2].owner');
	check(owner.startsWith('"carol') && owner === treeEval(T, 'g_accounts[2].owner'),
		'g_accounts[2].owner shows ' + owner + ', the tree says ' + treeEval(T, 'g_accounts[2].owner'));

	// 3. dataflow from the bytes of *p (arr[2], written by probe's initialiser)
	await page.click('#watch-body .xrow[data-expr="*p"] .vval');
	await page.waitForFunction(() => /written at t=/.test(document.getElementById('mem-origin').textContent),
		null, { timeout: 10000 });
	const origin = await page.textContent('#mem-origin');
	const tw = parseInt(/written at t=(\d+)/.exec(origin)[1], 10);
	check(tw > 0 && tw <= T, 'the write of *p is at t=' + tw + ', not before T=' + T);
	await settled(page, tw - 1, 'landing on the write of *p');

	// 4. the memory box takes an expression
	await page.goto(server.url.replace(/#.*$/, '') + '#t=' + T);
	await settled(page, T, 'back at probe\'s return');
	const want = /0x[0-9a-f]+/.exec(treeEval(T, '&g_count'))[0];
	await page.fill('#mem-addr', '&g_count');
	await page.press('#mem-addr', 'Enter');
	await page.waitForFunction((w) => document.getElementById('mem-addr').value === w, want, { timeout: 10000 });

	// 5. /api/eval in an outer frame: main's locals at probe's return are
	// what they were when main called probe (frame 1's registers are
	// those of the call; nothing wrote them since)
	const tCall = parseInt(hsCat('calls/probe').split(' ')[0], 10);
	for (const e of ['w.u', 's', 'n3->v']) {
		const v = await (await fetch(server.origin + '/api/eval?t=' + T + '&frame=1&expr=' +
			encodeURIComponent(e))).json();
		check(v.value === treeEval(tCall, e), 'frame 1 ' + e + ': "' + v.value + '", the tree at t=' +
			tCall + ' says "' + treeEval(tCall, e) + '"');
	}
	// paging: an array's children from first, count of them
	const page2 = await (await fetch(server.origin + '/api/eval?t=' + T +
		'&expr=g_accounts&first=1&count=1')).json();
	check(page2.n_children === 3 && page2.children.length === 1 &&
		page2.children[0].expr === 'g_accounts[1]' &&
		page2.children[0].value === treeEval(T, 'g_accounts[1]'),
	'/api/eval of g_accounts from 1, 1 child: ' + JSON.stringify(page2).slice(0, 300));
	const bad = await fetch(server.origin + '/api/eval?t=' + T + '&expr=nosuch');
	const badj = await bad.json();
	check(bad.status === 200 && badj.error === treeEval(T, 'nosuch'),
		'nosuch: ' + bad.status + ' ' + JSON.stringify(badj));
	const far = await fetch(server.origin + '/api/eval?t=' + T + '&frame=99&expr=s');
	check(far.status === 404, 'frame 99 answers ' + far.status + ', not 404');

	// 6. C++ containers: gdb's pretty printers' text in the locals
	await server.stop();
	server = await startServer({ TRACE: env('TRACE2') });
	const T2 = parseInt(env('T2'), 10);
	const want2 = hs('cat', env('TRACE2'), 'time/' + T2 + '/eval/items').replace(/\n$/, '');
	await page.goto(server.url.replace(/#.*$/, '') + '#t=' + T2);
	await settled(page, T2, 'opening u16_std at main\'s end');
	await page.waitForFunction((w) => {
		const v = document.querySelector('#locals-body .xrow[data-expr="items"] .vval');
		return v && v.textContent.trim() === w;
	}, want2, { timeout: 10000 }).catch(() => {});
	const shown = await rowValue(page, '#locals-body', 'items');
	check(shown === want2 && /^std::vector of length 3/.test(shown),
		'items shows "' + shown + '", the tree says "' + want2 + '"');
	await page.click('#locals-body .xrow[data-expr="items"] .vname');
	check(await rowValue(page, '#locals-body', 'items[2]') === '3', 'items[2] is not 3');
	await page.fill('#expr-input', 'items.size()');
	await page.press('#expr-input', 'Enter');
	check(await rowValue(page, '#watch-body', 'items.size()') === '3', 'items.size() is not 3');

	check(problems.length === 0, problems.join('; '));
	console.log('PASS expanded it -> *it -> members, arr; 5 typed expressions equal the tree; ' +
		'std::vector items as gdb\'s printer, its elements, items.size(); ' +
		'*p written at t=' + tw + '; memory box at &g_count = ' + want +
		' (no console error, no failed request)');
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
