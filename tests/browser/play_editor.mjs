// play_editor.mjs - the playground in a real browser: open the editor (the
// CodeMirror editor in #code's shadow root, styled and highlighted under the
// server's CSP), pick C, type a program with a bug, Run, see its output and
// exit status; a compile error is a lint mark at its line (text and gutter),
// fixing it there and running again gives the output; open the recording
// (the link), and step back from the end of the run (reverse-next, Shift+N)
// to the buggy line; #run=<id> reopens the run with its code.  No script
// error and no CSP violation on any page.
//
// Environment (tests/e2e/play_browser.sh): BASE (the playground's URL).
import { check, env, fail, launch, newPage, settled } from './lib.mjs';

const BUGGY = `#include <stdio.h>

int main(void)
{
	int a[4] = { 1, 2, 3, 4 };
	int sum = 0;

	for (int i = 1; i < 4; i++)
		sum += a[i];
	printf("sum = %d\\n", sum);
	return 0;
}
`;

const UNDECLARED = `#include <stdio.h>

int main(void)
{
	printf("%d\\n", nope);
	return 0;
}
`;

// The editor's text, from the lines CodeMirror shows (playwright's CSS
// selectors enter open shadow roots; JS has to do it by hand).
async function editorText(page) {
	return page.evaluate(() => {
		const root = document.getElementById('code').shadowRoot;
		return root ? [...root.querySelectorAll('.cm-content > .cm-line')].map((l) => l.textContent)
			.join('\n') : null;
	});
}

// Replace the whole text by typing: select all, then the keyboard's
// insertText (as an input method or a paste would: no auto-indent on the
// way, which typing Enter and Tab key by key would add).
async function typeCode(page, text) {
	await page.click('#code .cm-content');
	await page.keyboard.press('Control+A');
	await page.keyboard.press('Delete');
	await page.keyboard.insertText(text);
}

// the editor is CodeMirror, with its styles applied and the C highlighted
async function checkEditor(page) {
	await page.waitForSelector('#code .cm-editor .cm-content[contenteditable=true]', { timeout: 10000 });
	check(await page.locator('textarea#code').count() === 0, 'the editor is still a textarea');
	const look = await page.evaluate(() => {
		const root = document.getElementById('code').shadowRoot;
		const style = (sel) => {
			const e = root.querySelector(sel);
			return e ? getComputedStyle(e) : null;
		};
		const gutters = style('.cm-gutters'), content = style('.cm-content');
		// a keyword of the starter ("int", "return", ...) in another colour
		// than plain text
		const spans = [...root.querySelectorAll('.cm-line span')];
		const kw = spans.find((e) => /^(int|return|static|for)$/.test(e.textContent));
		return {
			gutters: gutters && gutters.display, white: content && content.whiteSpace,
			text: content && content.color, kw: kw ? getComputedStyle(kw).color : null,
			numbers: root.querySelectorAll('.cm-lineNumbers .cm-gutterElement').length,
		};
	});
	check(look.gutters === 'flex' && look.white.startsWith('pre'),
		"CodeMirror's styles are not applied: " + JSON.stringify(look));
	check(look.kw && look.kw !== look.text, 'no keyword highlighted: ' + JSON.stringify(look));
	check(look.numbers > 10, 'no line numbers: ' + JSON.stringify(look));
}

async function run(page) {
	const before = await page.evaluate(() => location.hash);
	await page.click('#run');
	await page.waitForFunction((b) => location.hash !== b && !document.getElementById('run').disabled,
		before, { timeout: 60000 });
}

async function main() {
	const base = env('BASE');
	const browser = await launch();
	const problems = [];
	try {
		const page = await newPage(browser, problems);
		await page.goto(base + '/');
		await checkEditor(page);
		await page.selectOption('#lang', 'c');
		await typeCode(page, BUGGY);
		check(await editorText(page) === BUGGY,
			'the editor holds ' + JSON.stringify(await editorText(page)));
		await page.fill('#stdin', '');
		await run(page);
		const out = await page.textContent('#stdout');
		check(out === 'sum = 9\n', 'stdout is "' + out + '", expected "sum = 9"');
		const exit = await page.textContent('#exit');
		check(exit === 'exit status 0', 'exit shows "' + exit + '"');
		const id = await page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('run'));
		check(/^[0-9a-f]{16}$/.test(id), 'no run id in the URL: ' + id);

		// #run=<id> in a fresh page: the code and the output come back
		const again = await newPage(browser, problems);
		await again.goto(base + '/#run=' + id);
		await again.waitForFunction((want) => {
			const root = document.getElementById('code').shadowRoot;
			return root && [...root.querySelectorAll('.cm-content > .cm-line')].map((l) => l.textContent)
				.join('\n') === want;
		}, BUGGY, { timeout: 10000 });
		await again.waitForFunction(() => document.getElementById('stdout').textContent === 'sum = 9\n');
		await again.close();

		// the recording: from the end, back line by line to the loop
		const href = await page.getAttribute('#trace', 'href');
		check(href && href.startsWith('/t/' + id + '/'), 'the recording link is ' + href);
		await page.click('#trace');
		await page.waitForFunction(() => window.hindsight && window.hindsight.settled !== undefined &&
			window.hindsight.settled !== null, null, { timeout: 30000 });
		await page.waitForSelector('#source-body .cm-line.cur', { timeout: 20000 });
		// one move at a time: each key's target is the moment's own link,
		// and the next key waits until the UI has drawn it (a busy machine
		// answers slowly; a key pressed while the last move is in flight
		// would step from the wrong moment)
		const moment = (t) => page.evaluate(async (t) => (await (await fetch(
			location.pathname + 'api/moment?t=' + t)).json()), t);
		const tEnd = await page.evaluate(() =>
			parseInt(document.getElementById('t-now').textContent.split('/')[1], 10));
		check(Number.isInteger(tEnd) && tEnd > 0, 'no end t in ' + await page.textContent('#t-now'));
		await page.keyboard.press('End');
		await settled(page, tEnd, 'End');
		const seen = [];
		let at = '', t = tEnd;
		for (let k = 0; k < 16 && !at.includes('sum += a[i]'); k++) {
			// out of libc's exit (back to each call, Shift+F) up to the
			// function that called main, then reverse-step into main's
			// end (Shift+I), then reverse-next line by line (Shift+N)
			const m = await moment(t);
			const [key, link] = at ? ['Shift+N', 'prev-line'] :
				/^__libc_start_call_main/.test(m.where) ? ['Shift+I', 'step-back'] : ['Shift+F', 'caller'];
			const want = (m.links || {})[link];
			check(typeof want === 'number', 'no ' + link + ' link at t=' + t + ' (' + m.where + '), after ' +
				JSON.stringify(seen));
			await page.keyboard.press(key);
			await settled(page, want, key + ' at t=' + t + ' (' + m.where + ')');
			t = want;
			at = (await page.evaluate(() => window.hindsight.sourcePanel.currentText())) || '';
			seen.push(at.trim() || m.where);
		}
		check(at.includes('sum += a[i]'), 'stepping back from the end never reached the loop: ' +
			JSON.stringify(seen));

		// a compile error: a lint mark on its line, in the text (the
		// undeclared name) and in the gutter; fixed there, the run prints
		await page.goto(base + '/');
		await checkEditor(page);
		await typeCode(page, UNDECLARED);
		await run(page);
		check(await page.textContent('#compile-state') === 'failed',
			'compile state: ' + await page.textContent('#compile-state'));
		await page.waitForSelector('#code .cm-lintRange-error', { timeout: 10000 });
		const mark = await page.evaluate(() => {
			const root = document.getElementById('code').shadowRoot;
			const lines = [...root.querySelectorAll('.cm-content > .cm-line')];
			const range = root.querySelector('.cm-lintRange-error');
			const line = lines.findIndex((l) => l.contains(range)) + 1;
			// the gutter's marker at the height of that line
			const top = lines[line - 1].getBoundingClientRect().top;
			const markers = [...root.querySelectorAll('.cm-gutter-lint .cm-lint-marker-error')]
				.map((m) => Math.round(m.getBoundingClientRect().top - top));
			return { line, word: range.textContent, markers };
		});
		check(mark.line === 5 && mark.word === 'nope',
			'the error marks "' + mark.word + '" on line ' + mark.line + ', expected "nope" on line 5');
		check(mark.markers.length === 1 && Math.abs(mark.markers[0]) <= 4,
			'the gutter marker is off the line: ' + JSON.stringify(mark.markers));
		// the message shows on hovering the mark
		await page.hover('#code .cm-lintRange-error');
		const tip = await page.waitForSelector('#code .cm-tooltip-lint', { timeout: 5000 });
		const said = await tip.textContent();
		check(/nope/.test(said) && /undeclared/.test(said), 'the tooltip says ' + JSON.stringify(said));
		// fix it where it is marked: double-click selects the word, type over it
		await page.dblclick('#code .cm-lintRange-error');
		await page.keyboard.type('42');
		check(await editorText(page) === UNDECLARED.replace('nope', '42'),
			'after the fix the editor holds ' + JSON.stringify(await editorText(page)));
		await page.keyboard.press('Control+Enter');
		await page.waitForFunction(() => document.getElementById('stdout').textContent === '42\n',
			null, { timeout: 60000 });
		check(await page.textContent('#compile-state') === 'ok', 'compile state after the fix: ' +
			await page.textContent('#compile-state'));
		check(await page.locator('#code .cm-lintRange-error').count() === 0, 'the error mark stays after the fix');
		check(await page.textContent('#exit') === 'exit status 0', 'exit after the fix: ' +
			await page.textContent('#exit'));
		check(problems.length === 0, 'script errors or CSP violations: ' + problems.join('; '));
	} finally {
		await browser.close();
	}
	console.log('PASS CodeMirror editor styled and highlighted under the CSP, run, #run=, recording stepped back to the bug, compile error marked at its line and fixed');
}

main().catch((e) => fail(e.message));
