// ui_source_timeline.mjs - the source view and the timeline, in chromium:
//  1. at main, the source view shows time/T/source's file at its line, and
//     the gutter's execution counts equal `wc -l lines/PATH/N` for every
//     line that ran;
//  2. a click on a line's count goes to its next execution after now (the
//     first t of lines/PATH/N after T), shift-click to the previous one;
//  3. Ctrl+F opens the search panel and finds text in the file;
//  4. moving into another file (copy_name's strlen: libc, no source text)
//     says so instead of showing the old file;
//  5. the timeline: the wheel zooms in around the pointer (an axis of t
//     values of the view), a click there picks a t inside the view, hover
//     names the t and the marks under the pointer, "all" shows the run.
// No console error of any kind along the way.
import { execFileSync } from 'node:child_process';
import { env, check, launch, newPage, hsCat, hs, startServer, settled } from './lib.mjs';

const problems = [];
let server = null, browser = null;

// The t a link of the tree points to (/api/link), null when absent.
async function linkT(path) {
	const r = await fetch(server.origin + '/api/link/' + path);
	if (!r.ok)
		return null;
	const m = /^time\/(\d+)$/.exec((await r.json()).path);
	return m ? parseInt(m[1], 10) : null;
}

async function main() {
	env('TRACE');
	server = await startServer();
	browser = await launch();
	const page = await newPage(browser, problems);
	const info = await (await fetch(server.origin + '/api/info')).json();
	const tMain = info.marks.main;
	check(typeof tMain === 'number', '/api/info has no marks.main');
	await page.goto(server.url.replace(/#.*$/, '') + '#t=' + tMain);
	await settled(page, tMain, 'opening at main');

	// 1. the file and line, and the counts
	const src = hsCat('time/' + tMain + '/source').trim();
	const path = src.slice(0, src.lastIndexOf(':'));
	const line = parseInt(src.slice(src.lastIndexOf(':') + 1), 10);
	const shown = await page.evaluate(() => ({ file: document.querySelector('#source-body').dataset.file,
		line: document.querySelector('#source-body').dataset.line }));
	check(shown.file === path && parseInt(shown.line, 10) === line, 'the source view shows ' +
		JSON.stringify(shown) + ', time/' + tMain + '/source says ' + src);
	const cur = await page.textContent('#source-body .cm-line.cur');
	check(cur && cur.trim().length > 0, 'no current line is marked');
	const ran = hs('ls', env('TRACE'), 'lines/' + path).split('\n').filter((x) => x).map(Number);
	check(ran.length > 5, 'lines/' + path + ' lists ' + ran.length + ' lines');
	const counts = await page.evaluate(() => window.hindsight.sourcePanel.counts());
	for (const l of ran) {
		const want = hsCat('lines/' + path + '/' + l).split('\n').filter((x) => x).length;
		check(counts[l] === want, 'line ' + l + ': the gutter says ' + counts[l] + ', lines/ has ' + want);
	}
	check(Object.keys(counts).length === ran.length, 'the gutter counts ' + Object.keys(counts).length +
		' lines, lines/ lists ' + ran.length);

	// 2. a count's click: the next execution of a loop line after now
	const loop = ran.find((l) => hsCat('lines/' + path + '/' + l).split('\n').filter((x) => x).length > 3 &&
		hsCat('lines/' + path + '/' + l).split('\n').map(Number).some((t) => t > tMain));
	const starts = hsCat('lines/' + path + '/' + loop).split('\n').filter((x) => x).map(Number);
	const next = starts.find((t) => t > tMain);
	await page.evaluate((l) => window.hindsight.sourcePanel.scrollTo(l), loop);
	const marker = page.locator('#source-body .cm-counts .cm-gutterElement', { hasText: new RegExp('^' + counts[loop] + '$') }).first();
	await marker.click();
	await settled(page, next, 'clicking the count of line ' + loop);
	const after = starts.find((t) => t > next);
	if (after !== undefined) {
		await marker.click();
		await settled(page, after, 'clicking the count of line ' + loop + ' again');
		await marker.click({ modifiers: ['Shift'] });
		await settled(page, next, 'shift-clicking the count of line ' + loop);
	}

	// 3. search in the file
	await page.click('#source-body .cm-content');
	await page.keyboard.press('Control+f');
	await page.waitForSelector('#source-body .cm-search input[name=search]', { timeout: 5000 });
	await page.keyboard.type('ledger');
	await page.keyboard.press('Enter');
	const sel = await page.evaluate(() => {
		const v = window.hindsight.sourcePanel.view;
		const r = v.state.selection.main;
		return v.state.sliceDoc(r.from, r.to);
	});
	check(sel === 'ledger', 'searching "ledger" selected "' + sel + '"');
	await page.keyboard.press('Escape');

	// 4. a moment in a file without source text: said, not the old file
	const tLib = await linkT('time/' + next + '/step-into');
	if (tLib !== null) {
		const s2 = (() => { try { return hsCat('time/' + tLib + '/source').trim(); } catch (e) { return ''; } })();
		await page.goto(server.url.replace(/#.*$/, '') + '#t=' + tLib);
		await settled(page, tLib, 'moving to t=' + tLib);
		const f2 = await page.evaluate(() => document.querySelector('#source-body').dataset.file || '');
		check(f2 === (s2 ? s2.slice(0, s2.lastIndexOf(':')) : ''), 'at t=' + tLib + ' the view shows "' + f2 +
			'", time/' + tLib + '/source is "' + s2 + '"');
	}

	// 5. the timeline
	const box = await page.locator('#timeline').boundingBox();
	const end = info.t_end;
	await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	for (let i = 0; i < 6; i++)
		await page.mouse.wheel(0, -120);
	await page.waitForFunction(() => document.querySelector('#timeline').classList.contains('zoomed'));
	const view = await page.evaluate(() => window.hindsight.timeline &&
		[window.hindsight.timeline.v0, window.hindsight.timeline.v1]);
	check(view && view[1] - view[0] < end * 0.5, 'the wheel did not zoom: view ' + JSON.stringify(view) +
		' of ' + end);
	const tip = await page.textContent('.tl-tip');
	check(/^t=\d+/.test(tip || ''), 'hovering the timeline says "' + tip + '"');
	const tipT = parseInt(/^t=(\d+)/.exec(tip)[1], 10);
	check(tipT >= view[0] && tipT <= view[1], 'the tooltip\'s t=' + tipT + ' is outside the view ' + view);
	await page.mouse.click(box.x + box.width / 4, box.y + box.height / 2);
	const picked = await page.evaluate(() => window.hindsight.t);
	check(picked >= view[0] && picked <= view[1], 'a click in the zoomed timeline picked t=' + picked +
		', outside the view ' + view);
	const want = Math.round(view[0] + (view[1] - view[0]) * 0.25);
	check(Math.abs(picked - want) <= (view[1] - view[0]) / 50, 'a click at a quarter picked t=' + picked +
		', expected about ' + want);
	await settled(page, picked, 'clicking the zoomed timeline');
	await page.click('.tl-tools .tl-btn:text("all")');
	const whole = await page.evaluate(() => [window.hindsight.timeline.v0, window.hindsight.timeline.v1]);
	check(whole[0] === 0 && whole[1] === end, '"all" shows ' + JSON.stringify(whole) + ', not [0, ' + end + ']');

	// 6. a shared link keeps the memory address and the list open; the
	// bytes marked changed are those the instruction before t changed
	// (compared with t-1, as the registers), not the moment shown before
	const rsp = BigInt(hsCat('time/' + next + '/reg/rsp').trim());
	const at = Number(rsp - (rsp % 16n)) - 64;
	await page.fill('#mem-addr', '0x' + at.toString(16));
	await page.click('#mem-form button[type=submit]');
	await page.click('.tab[data-list=syscalls]');
	const url = page.url();
	check(url.includes('mem=0x' + at.toString(16)) && url.includes('list=syscalls'), 'the URL ' + url +
		' does not keep mem=0x' + at.toString(16) + ' and list=syscalls');
	const page2 = await newPage(browser, problems);
	await page2.goto(url);
	const t2 = parseInt(/#t=(\d+)/.exec(url)[1], 10);
	await settled(page2, t2, 'opening the shared link');
	const v2 = await page2.evaluate(() => [document.querySelector('#mem-addr').value,
		document.querySelector('.tab.on').dataset.list]);
	check(v2[0] === '0x' + at.toString(16) && v2[1] === 'syscalls', 'the shared link opened with memory ' +
		v2[0] + ' and list ' + v2[1]);
	// jump far, then to a moment whose previous instruction stored into the
	// view: exactly the bytes that differ between t-1 and t are marked
	const memAt = (t) => execFileSync(env('HS'), ['cat', '-s', '0x' + at.toString(16), '-n', '256', env('TRACE'),
		'time/' + t + '/mem']);
	let tA = null, changed = [];
	for (let t = next; t > next - 60 && t > 1 && tA === null; t--) {
		const a = memAt(t - 1), b = memAt(t);
		for (let i = 0; i < 256; i++)
			if (a[i] !== b[i])
				changed.push(at + i);
		if (changed.length)
			tA = t;
	}
	check(tA !== null, 'no store into the view in the 60 instructions before t=' + next);
	await page2.goto(url.replace(/#t=\d+/, '#t=1'));
	await settled(page2, 1, 'jumping to t=1');
	await page2.goto(url.replace(/#t=\d+/, '#t=' + tA));
	await settled(page2, tA, 'jumping to t=' + tA);
	const marked = await page2.evaluate(() => [...document.querySelectorAll('#mem-body .byte.changed')]
		.map((b) => Number(b.dataset.addr)));
	check(JSON.stringify(marked) === JSON.stringify(changed), 'at t=' + tA + ' the memory view marks ' +
		JSON.stringify(marked) + ' as changed, t-1 -> t changed ' + JSON.stringify(changed));
	// g starts an empty "go to"
	await page2.click('#goto-t');
	await page2.fill('#goto-t', '123');
	await page2.keyboard.press('Escape');
	await page2.keyboard.press('g');
	const g = await page2.inputValue('#goto-t');
	check(g === '', 'g leaves "' + g + '" in the go-to box');
	await page2.close();

	check(problems.length === 0, problems.join('; '));
	console.log('PASS ui_source_timeline: ' + path + ':' + line + ' with ' + ran.length +
		' counts equal to lines/; count clicks go to t=' + next + (after !== undefined ? ', ' + after : '') +
		'; search; timeline zoom to ' + (view[1] - view[0]) + ' of ' + end + ' insns, pick, tooltip, all');
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
