// api.js - the HTTP API of `hindsight serve` (server/API.md), one function
// per endpoint.  Every failure becomes an ApiError carrying the server's
// {"error","errno"} text and the HTTP status, so panels can tell "absent"
// (404) from "unmapped" (422) from real trouble.

export class ApiError extends Error {
	constructor(status, errno, text) {
		super(text);
		this.status = status;
		this.errno = errno;
	}
}

// Tree paths go into URLs component by component: names may hold spaces,
// '%', '#', '?' (source files, functions), but never '/'.
export function treeUrl(prefix, path) {
	return prefix + path.split('/').filter((c) => c !== '').map(encodeURIComponent).join('/');
}

async function fail(res) {
	let errno = '', text = res.status + ' ' + res.statusText;
	try {
		const j = await res.json();
		if (j && j.error) {
			text = j.error;
			errno = j.errno || '';
		}
	} catch (e) {
		// not JSON: keep the status line
	}
	throw new ApiError(res.status, errno, text);
}

// Under the playground, a recording's API is at /t/<id>/api/...: the page
// is /t/<id>/, and every /api/ URL is taken relative to it.
export const BASE = (/^\/t\/[0-9a-f]+(?=\/)/.exec(location.pathname) || [''])[0];

async function get(url, opts) {
	let res;
	try {
		res = await fetch(BASE + url, opts);
	} catch (e) {
		throw new ApiError(0, 'ECONNREFUSED', 'the server does not answer (' + e.message + ')');
	}
	if (!res.ok)
		await fail(res);
	return res;
}

export async function json(url) {
	return (await get(url)).json();
}

export function info() {
	return json('/api/info');
}

function imageArg(image) {
	return image ? '&image=' + image : '';
}

// view: time/<t>.<view> (where inlined copies start: view k shows k of
// them, as gdb's `break f` and its `step` into the copy; 0: time/<t>).
export function moment(t, image, view) {
	return json('/api/moment?t=' + t + (view ? '&view=' + view : '') + imageArg(image));
}

// The text of a source file and the lines that ran, with their counts;
// path as time/<t>/source names it.
export function source(path, image) {
	return json('/api/source?path=' + encodeURIComponent(path) + imageArg(image));
}

// A file's text, or a folder's listing (an object with .entries).
export async function tree(path) {
	const res = await get(treeUrl('/api/tree/', path));
	const type = res.headers.get('content-type') || '';
	if (type.startsWith('application/json'))
		return res.json();
	return res.text();
}

// length bytes of memory at addr as of path's moment: a Uint8Array.
export async function mem(path, addr, length) {
	const res = await get(treeUrl('/api/tree/', path) + '?offset=' + addr.toString() +
		'&length=' + length);
	return new Uint8Array(await res.arrayBuffer());
}

export function lines(path, start, count) {
	return json(treeUrl('/api/lines/', path) + '?start=' + start + '&count=' + count);
}

export function link(path) {
	return json(treeUrl('/api/link/', path));
}

export function originMem(t, addr, len, image) {
	return json('/api/origin?t=' + t + '&addr=0x' + addr.toString(16) + '&len=' + len + imageArg(image));
}

export function originReg(t, reg, image) {
	return json('/api/origin?t=' + t + '&reg=' + encodeURIComponent(reg) + imageArg(image));
}

export function notes() {
	return json('/api/notes');
}

export async function addNote(t, text) {
	const res = await get('/api/notes', {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ t: t, text: text }),
	});
	return res.json();
}

export async function deleteNote(id) {
	await get('/api/notes/' + encodeURIComponent(id), {
		method: 'DELETE',
		headers: { 'Content-Type': 'application/json' },
	});
}

export function search(q, image) {
	return json('/api/search?q=' + encodeURIComponent(q) + imageArg(image));
}

export function calls(name, image, offset, count) {
	return json('/api/calls?name=' + encodeURIComponent(name) + imageArg(image) +
		'&offset=' + offset + '&count=' + count);
}

export function lineRuns(path, line, image, offset, count) {
	return json('/api/line-runs?file=' + encodeURIComponent(path) + '&line=' + line + imageArg(image) +
		'&offset=' + offset + '&count=' + count);
}
