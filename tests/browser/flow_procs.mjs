// flow_procs.mjs - a recording of many processes in chromium (run by
// tests/e2e/ui_procs.sh): the process picker lists every image as a tree,
// the recorded root first and each child under its parent (/api/procs);
// choosing several images (fork children, an exec'd /bin/true, the last
// one) shows each at t=0 with the registers of processes/<image>/time/0/regs.
// No console error and no failed request (but the source panel's probes,
// see flow_ui.mjs).  Prints PASS or FAIL.
import { execFileSync } from 'node:child_process';
import { env, check, launch, startServer, settled, panelRegs } from './lib.mjs';

const HS = env('HS'), TRACE = env('TRACE');
const problems = [];
let browser = null, server = null;

function sourceProbe(url) {
	return /\/api\/tree\/(processes\/[^/]+\/)?(lines|sources)(\/|$)/.test(url);
}

function treeRegs(path) {
	const out = {};
	for (const line of execFileSync(HS, ['cat', TRACE, path], { encoding: 'utf8' }).split('\n')) {
		const f = line.trim().split(/\s+/);
		if (f.length >= 2)
			out[f[0]] = f[1];
	}
	return out;
}

async function main() {
	server = await startServer({ TRACE });
	browser = await launch();
	const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
	page.on('pageerror', (e) => problems.push('page error: ' + e.message));
	page.on('console', (m) => {
		if (m.type() === 'error' && !sourceProbe(m.location().url || ''))
			problems.push('console error: ' + m.text());
	});
	page.on('response', (r) => {
		if (r.status() >= 400 && !sourceProbe(r.url()))
			problems.push('HTTP ' + r.status() + ' for ' + r.url());
	});
	await page.goto(server.origin + '/');
	await page.waitForFunction(() => window.hindsight && window.hindsight.settled !== undefined,
		null, { timeout: 30000 });
	const procs = JSON.parse(execFileSync('curl', ['-s', server.origin + '/api/procs'], { encoding: 'utf8' })).processes;
	const names = execFileSync(HS, ['ls', TRACE, 'processes'], { encoding: 'utf8' }).trim().split('\n');
	await page.waitForFunction((n) => document.querySelectorAll('#image option').length === n &&
		document.querySelector('#image option').textContent.includes(' '), names.length, { timeout: 30000 });
	const opts = await page.evaluate(() => Array.from(document.querySelectorAll('#image option'))
		.map((o) => ({ value: parseInt(o.value, 10), text: o.textContent })));
	check(opts.length === names.length, 'the picker lists ' + opts.length + ' of ' + names.length + ' images');
	check(opts[0].value === 0 && /^flow_fork100 \d+/.test(opts[0].text), 'the first process listed is "' + opts[0].text + '"');
	// a tree: every image comes after its parent, one level deeper
	const depth = (o) => (/^(\u00a0*)/.exec(o.text)[1].length) / 2;
	const pos = new Map(opts.map((o, i) => [procs[o.value].name, i]));
	for (const o of opts) {
		const p = procs[o.value];
		check(/\u2514 |^[^\u00a0]/.test(o.text) && o.text.includes(' ' + p.pid), 'option "' + o.text + '" does not name pid ' + p.pid);
		if (!p.parent) {
			check(depth(o) === 0, p.name + ' has no parent but is indented');
			continue;
		}
		const pi = pos.get(p.parent);
		check(pi !== undefined && pi < pos.get(p.name) && depth(opts[pi]) + 1 === depth(o),
			p.name + ' is not listed under its parent ' + p.parent);
	}
	// several images, each at t=0 with its own registers
	const execd = procs.find((p) => p.how === 'exec');
	const pick = [1, 2, execd.index, procs.length - 1, 0];
	for (const i of pick) {
		await page.selectOption('#image', String(i));
		await page.waitForFunction((want) => window.hindsight.image === want && window.hindsight.m &&
			window.hindsight.m.t === 0, i, { timeout: 20000 });
		await settled(page, 0, 'showing image ' + i);
		const prefix = i ? 'processes/' + procs[i].name + '/' : '';
		const ui = await panelRegs(page), tree = treeRegs(prefix + 'time/0/regs');
		for (const r of ['rip', 'rsp', 'rax', 'rdi'])
			check(ui[r] === tree[r], 'image ' + procs[i].name + ' at t=0: ' + r + ' is ' + ui[r] + ', the tree says ' + tree[r]);
		check(new URL(page.url()).hash === '#t=0' + (i ? '&image=' + i : ''), 'the URL is ' + page.url());
	}
	check(problems.length === 0, problems.slice(0, 3).join('; '));
	return opts.length + ' processes listed as a tree, ' + pick.length + ' opened';
}

main().then(async (what) => {
	await browser.close();
	await server.stop();
	console.log('PASS ' + what);
	process.exit(0);
}).catch(async (e) => {
	console.log('FAIL ' + e.message);
	if (browser)
		await browser.close().catch(() => {});
	if (server)
		await server.stop().catch(() => {});
	process.exit(1);
});
