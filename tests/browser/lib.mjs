// lib.mjs - helpers for the browser tests: Debian's chromium through
// playwright-core (no browser download), `hindsight serve` as a child
// process, and `hindsight cat` as the oracle.
//
// Environment (set by tests/e2e/ui_browser.sh): HS (the hindsight binary),
// TRACE (a built recording), STORAGE (the notebook folder), ROOT (the
// repository), OUT (where screenshots go).
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../server/ui/package.json'));
const { chromium } = require('playwright-core');

export const env = (name) => {
	const v = process.env[name];
	if (!v)
		fail('environment variable ' + name + ' is not set');
	return v;
};

export function fail(why) {
	console.log('FAIL ' + why);
	process.exit(1);
}

export function check(cond, why) {
	if (!cond)
		throw new Error(why);
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch() {
	return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: CHROMIUM_ARGS, headless: true });
}

// A page that records every script error and every console error (CSP
// violations, failed requests): the UI must run under default-src 'self'
// with nothing blocked and nothing reported.  A test that provokes an
// error on purpose (a bad link, a missing file) passes allow, a regex of
// the messages it expects.
export async function newPage(browser, problems, allow) {
	const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
	page.on('pageerror', (e) => problems.push('page error: ' + e.message));
	page.on('console', (m) => {
		if (m.type() === 'error' && !(allow && allow.test(m.text())))
			problems.push('console error: ' + m.text() + ' (' + (m.location().url || '') + ')');
	});
	return page;
}

// `hindsight cat TRACE path` as text.
export function hsCat(path) {
	return execFileSync(env('HS'), ['cat', env('TRACE'), path], { encoding: 'utf8' });
}

export function hs(...args) {
	return execFileSync(env('HS'), args, { encoding: 'utf8' });
}

// Starts `hindsight serve --port 0 --storage STORAGE TRACE` and resolves
// with { url, origin, proc, stop() } once it prints its URL.  opts.TRACE
// serves another recording.
export function startServer(opts) {
	const trace = (opts && opts.TRACE) || env('TRACE');
	return new Promise((resolve, reject) => {
		const proc = spawn(env('HS'), ['serve', '--port', '0', '--storage', env('STORAGE'), trace],
			{ stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		const timer = setTimeout(() => {
			proc.kill('SIGKILL');
			reject(new Error('hindsight serve printed no URL in 30 s: ' + out.slice(-300)));
		}, 30000);
		const onData = (d) => {
			out += d;
			const m = /(http:\/\/127\.0\.0\.1:\d+)\/\S*/.exec(out);
			if (m) {
				clearTimeout(timer);
				proc.stdout.off('data', onData);
				proc.stderr.off('data', onData);
				resolve({
					url: m[0],
					origin: m[1],
					proc,
					stop: () => new Promise((res) => {
						if (proc.exitCode !== null)
							return res();
						proc.once('exit', () => res());
						proc.kill('SIGINT');
						setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
					}),
				});
			}
		};
		proc.stdout.on('data', onData);
		proc.stderr.on('data', onData);
		proc.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error('hindsight serve exited ' + code + ': ' + out.slice(-300)));
		});
	});
}

// Waits until the UI has drawn every panel of moment t (60 s: make test
// runs four tests at once, and a 2-core machine under that load answers a
// cold moment in seconds, not milliseconds).
export async function settled(page, t, what) {
	try {
		await page.waitForFunction((want) => window.hindsight && window.hindsight.settled === want,
			t, { timeout: 60000 });
	} catch (e) {
		const now = await page.evaluate(() => window.hindsight && window.hindsight.settled);
		const st = await page.evaluate(() => document.getElementById('status').textContent);
		throw new Error((what || 'moving') + ': the UI did not settle at t=' + t +
			' (it shows t=' + now + ', status "' + st + '")');
	}
}

export async function shownT(page) {
	return page.evaluate(() => window.hindsight.settled);
}

// The registers panel as {name: value} (with the vector registers on).
export async function panelRegs(page) {
	return page.evaluate(() => {
		const out = {};
		for (const row of document.querySelectorAll('#regs-body .rrow'))
			out[row.dataset.reg] = row.querySelector('.rval').textContent;
		return out;
	});
}

// time/T/regs from the tree as {name: value}.
export function treeRegs(t) {
	const out = {};
	for (const line of hsCat('time/' + t + '/regs').split('\n')) {
		const f = line.trim().split(/\s+/);
		if (f.length >= 2)
			out[f[0]] = f.slice(1).join(' ');
	}
	return out;
}

export function sameRegs(ui, tree, t) {
	const names = Object.keys(tree);
	check(names.length > 16, 'time/' + t + '/regs has only ' + names.length + ' registers');
	for (const n of names) {
		check(ui[n] !== undefined, 't=' + t + ': the registers panel has no ' + n);
		check(ui[n] === tree[n], 't=' + t + ': ' + n + ' is ' + ui[n] + ' in the UI, ' + tree[n] + ' in the tree');
	}
	check(Object.keys(ui).length === names.length, 't=' + t + ': the UI shows ' +
		Object.keys(ui).length + ' registers, the tree ' + names.length);
}
