// play_editor.mjs - the playground in a real browser: open the editor, pick
// C, type a program with a bug, Run, see its output and exit status; a
// compile error marks its line in the gutter; open the recording (the
// link), and step back from the end of the run (reverse-next, Shift+N)
// to the buggy line; #run=<id> reopens the run with its code.
//
// Environment (tests/e2e/play_browser.sh): BASE (the playground's URL).
import { check, env, fail, launch, newPage } from './lib.mjs';

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
		await page.selectOption('#lang', 'c');
		await page.fill('#code', BUGGY);
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
		await again.waitForFunction((want) => document.getElementById('code').value === want, BUGGY,
			{ timeout: 10000 });
		await again.waitForFunction(() => document.getElementById('stdout').textContent === 'sum = 9\n');
		await again.close();

		// the recording: from the end, back line by line to the loop
		const href = await page.getAttribute('#trace', 'href');
		check(href && href.startsWith('/t/' + id + '/'), 'the recording link is ' + href);
		await page.click('#trace');
		await page.waitForFunction(() => window.hindsight && window.hindsight.settled !== undefined &&
			window.hindsight.settled !== null, null, { timeout: 30000 });
		await page.waitForSelector('#source-body .srow.cur', { timeout: 20000 });
		await page.keyboard.press('End');
		const seen = [];
		let at = '';
		for (let k = 0; k < 16 && !at.includes('sum += a[i]'); k++) {
			const t0 = await page.evaluate(() => window.hindsight.settled);
			// out of libc's exit (back to each call, Shift+F) up to the
			// function that called main, then reverse-step into main's
			// end (Shift+I), then reverse-next line by line (Shift+N)
			const where = await page.evaluate(async (t) => (await (await fetch(
				location.pathname + 'api/moment?t=' + t)).json()).where, t0);
			await page.keyboard.press(at ? 'Shift+N' :
				/^__libc_start_call_main/.test(where) ? 'Shift+I' : 'Shift+F');
			await page.waitForFunction((t) => window.hindsight.settled !== t, t0, { timeout: 20000 })
				.catch(() => {});
			at = (await page.evaluate(() => {
				const r = document.querySelector('#source-body .srow.cur .src');
				return r ? r.textContent : '';
			})) || '';
			seen.push(at.trim());
		}
		check(at.includes('sum += a[i]'), 'stepping back from the end never reached the loop: ' +
			JSON.stringify(seen));

		// a compile error: its line marked in the gutter
		await page.goto(base + '/');
		await page.fill('#code', 'int main(void)\n{\n\treturn nope;\n}\n');
		await run(page);
		await page.waitForSelector('#gutter .bad', { timeout: 10000 });
		const bad = await page.textContent('#gutter .bad');
		check(bad === '3', 'the gutter marks line ' + bad + ', expected 3');
		check(problems.length === 0, 'script errors or CSP violations: ' + problems.join('; '));
	} finally {
		await browser.close();
	}
	console.log('PASS editor, run, #run=, recording stepped back to the bug, compile error marked');
}

main().catch((e) => fail(e.message));
