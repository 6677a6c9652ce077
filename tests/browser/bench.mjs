// bench.mjs - the web UI's speed in chromium (run by scripts/bench_ui.sh):
//   first paint   a fresh page at a random #t=, from navigation start to
//                 the first contentful paint, and to every panel of the
//                 moment drawn (HS_BENCH_LOADS loads, default 10)
//   step          click on "insn >" / "< insn" to every panel of the new
//                 moment drawn (HS_BENCH_STEPS, default 200: half forward,
//                 half back), with the UI's neighbour prefetch (default)
//                 and without it (?prefetch=0: one /api/moment round trip
//                 per click, nothing cached)
//   line step     the same with "line" buttons, when the build has lines
//   jump          typing a random t into "go to" (cold moments)
//   new file      "go to" a moment in a source file the page has not shown
//                 (HS_BENCH_FILES files, default 10): text and counts load
// Times are measured inside the page with performance.now(), from the
// click to the UI's hindsight-settled event, then to the next animation
// frame (the views on screen).  Prints one JSON object on stdout.
import { launch, startServer } from './lib.mjs';

const LOADS = parseInt(process.env.HS_BENCH_LOADS || '10', 10);
const STEPS = parseInt(process.env.HS_BENCH_STEPS || '200', 10);
const JUMPS = parseInt(process.env.HS_BENCH_JUMPS || '50', 10);
const NEWFILES = parseInt(process.env.HS_BENCH_FILES || '10', 10);

// Deterministic random numbers (mulberry32), so runs are comparable.
let seed = 12345;
function rand() {
	seed = (seed + 0x6D2B79F5) | 0;
	let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
	x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
	return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
}

function pct(a, p) {
	const s = [...a].sort((x, y) => x - y);
	return s.length ? s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)] : null;
}

function stats(a) {
	return { n: a.length, p50: pct(a, 50), p95: pct(a, 95), max: pct(a, 100) };
}

// Clicks sel (or runs the go-to form) in the page and times it there.
async function timed(page, action, arg) {
	return page.evaluate(([action, arg]) => new Promise((resolve, reject) => {
		const S = window.hindsight;
		const from = S.settled;
		const timer = setTimeout(() => reject(new Error('no moment drawn in 20 s after ' + action + ' from t=' + from + ' (shows ' + S.settled + ', asked ' + S.t + ')')), 20000);
		const t0 = performance.now();
		window.addEventListener('hindsight-settled', function on(ev) {
			if (ev.detail === from && action !== 'goto')
				return;
			window.removeEventListener('hindsight-settled', on);
			clearTimeout(timer);
			const drawn = performance.now() - t0;
			requestAnimationFrame(() => setTimeout(() => resolve({ drawn: drawn,
				frame: performance.now() - t0, t: ev.detail }), 0));
		});
		if (action === 'goto') {
			document.getElementById('goto-t').value = String(arg);
			document.getElementById('goto').requestSubmit();
		} else {
			document.getElementById(action).click();
		}
	}), [action, arg]);
}

async function open(page, url, t) {
	await page.goto(url + '#t=' + t);
	await page.waitForFunction((want) => window.hindsight && window.hindsight.settled === want, t, { timeout: 60000 });
}

async function steps(page, url, t, fwd, back, n) {
	await open(page, url, t);
	const drawn = [], frame = [];
	for (let i = 0; i < n; i++) {
		const id = i < n / 2 ? fwd : back;
		const ok = await page.evaluate((id) => !document.getElementById(id).disabled, id);
		if (!ok)
			break;
		const r = await timed(page, id);
		drawn.push(r.drawn);
		frame.push(r.frame);
	}
	return { drawn: stats(drawn), frame: stats(frame) };
}

async function main() {
	const server = await startServer();
	const base = server.url.replace(/[#?].*$/, '');
	const info = await (await fetch(server.origin + '/api/info')).json();
	const tEnd = info.t_end;
	const browser = await launch();
	const out = { t_end: tEnd };
	try {
		// first paint: a fresh browser context each time (no HTTP cache)
		const fcp = [], first = [];
		for (let i = 0; i < LOADS; i++) {
			const ctx = await browser.newContext({ viewport: { width: 1400, height: 860 } });
			const page = await ctx.newPage();
			const t = Math.floor(rand() * tEnd);
			await open(page, base, t);
			const r = await page.evaluate(() => ({
				fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
				first: window.hindsight.firstSettled,
			}));
			if (r.fcp !== undefined)
				fcp.push(r.fcp);
			first.push(r.first);
			await ctx.close();
		}
		out.first_contentful_paint = stats(fcp);
		out.first_moment_drawn = stats(first);

		const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
		const tStep = Math.floor(rand() * (tEnd - STEPS));
		out.step_prefetch = await steps(page, base, tStep, 'b-next', 'b-prev', STEPS);
		out.step_cold = await steps(page, base + '?prefetch=0', tStep + STEPS, 'b-next', 'b-prev', STEPS);
		const m = await page.evaluate(() => window.hindsight.m);
		if (m.links && typeof m.links['next-line'] === 'number')
			out.line_step_cold = await steps(page, base + '?prefetch=0', tStep, 'b-next-line', 'b-prev-line', Math.min(STEPS, 100));
		const drawn = [];
		for (let i = 0; i < JUMPS; i++) {
			const r = await timed(page, 'goto', Math.floor(rand() * tEnd));
			drawn.push(r.drawn);
		}
		out.jump_cold = stats(drawn);

		// into a source file the page has not shown yet: a fresh page, then
		// random moments whose time/t/source names a file not seen before
		const fresh = await browser.newPage({ viewport: { width: 1400, height: 860 } });
		await open(fresh, base, 0);
		const seen = new Set(), into = [];
		for (let i = 0; i < 40 * NEWFILES && into.length < NEWFILES; i++) {
			const t = Math.floor(rand() * tEnd);
			const mo = await (await fetch(server.origin + '/api/moment?t=' + t)).json();
			const file = mo.source ? mo.source.slice(0, mo.source.lastIndexOf(':')) : null;
			if (!file || seen.has(file))
				continue;
			seen.add(file);
			into.push((await timed(fresh, 'goto', t)).drawn);
		}
		out.new_source_file = stats(into);
		await fresh.close();
	} finally {
		await browser.close();
		await server.stop();
	}
	console.log(JSON.stringify(out));
}

main().catch((e) => {
	console.log('FAIL ' + e.message);
	process.exit(1);
});
