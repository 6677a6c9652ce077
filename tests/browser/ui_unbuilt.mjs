// ui_unbuilt.mjs - the UI on a recording with no database yet: the server
// builds it and reports progress over SSE; the page waits (an overlay says
// so) and then draws the first moment.  TRACE_UNBUILT is that recording.
import { env, check, launch, newPage, startServer, settled } from './lib.mjs';

const problems = [];
let server = null, browser = null;
try {
	// the browser first: the page should ask while the build still runs
	browser = await launch();
	const page = await newPage(browser, problems);
	server = await startServer({ TRACE: env('TRACE_UNBUILT') });
	await page.goto(server.url.replace(/#.*$/, '') + '#t=1000');
	await settled(page, 1000, 'opening an unbuilt recording');
	const info = await (await fetch(server.origin + '/api/info')).json();
	check(info.built === true, '/api/info says built: ' + info.built + ' after the UI drew a moment');
	check(await page.isHidden('#overlay'), 'the build overlay is still shown');
	check(problems.length === 0, problems.join('; '));
	const waited = await page.evaluate(() => !!window.hindsight.waitedForBuild);
	console.log('PASS ui_unbuilt: the server built the database and the UI drew t=1000' +
		(waited ? ' (after waiting for the build over SSE)' : ' (the build was done before the page asked)'));
} catch (e) {
	console.log('FAIL ' + e.message);
	process.exitCode = 1;
} finally {
	if (browser)
		await browser.close().catch(() => {});
	if (server)
		await server.stop();
}
