// procs.js - the process picker as a tree: every image of the recording
// by program name and pid, under the image it came from (fork, or exec:
// the image an execve replaced), the recorded root process first
// (/api/procs; the select's value stays the image index that main.js
// uses).  Children come in image order, which is pid order from the root.
import * as api from './api.js';

function basename(p) {
	return p ? p.split('/').pop() : '?';
}

// {processes: [...]} -> [{p, depth}] in tree order, roots first.
export function treeOrder(procs) {
	const byName = new Map(procs.map((p) => [p.name, p]));
	const kids = new Map();
	const roots = [];
	for (const p of procs) {
		if (p.parent && byName.has(p.parent) && p.parent !== p.name) {
			if (!kids.has(p.parent))
				kids.set(p.parent, []);
			kids.get(p.parent).push(p);
		} else {
			roots.push(p);
		}
	}
	const out = [];
	const seen = new Set();
	const walk = (p, depth) => {
		if (seen.has(p.name))
			return;
		seen.add(p.name);
		out.push({ p, depth });
		for (const k of kids.get(p.name) || [])
			walk(k, depth + 1);
	};
	roots.sort((a, b) => a.index - b.index);
	for (const r of roots)
		walk(r, 0);
	return out;
}

export function label(p) {
	const how = p.how === 'exec' ? ' (exec)' : p.how === 'fork' ? '' : '';
	return basename(p.program) + ' ' + p.pid + how + (p.ended ? '  [' + p.ended + ']' : '');
}

// Fills the select with the tree, current() (the image shown) selected;
// resolves with the rows.
export async function fillProcs(sel, current) {
	const r = await api.json('/api/procs');
	const rows = treeOrder(r.processes);
	sel.replaceChildren(...rows.map(({ p, depth }) => {
		const o = document.createElement('option');
		o.value = String(p.index);
		o.textContent = '\u00a0\u00a0'.repeat(depth) + (depth ? '\u2514 ' : '') + label(p);
		o.title = p.name + ': ' + (p.program || '?') + (p.parent ? ', ' + p.how + ' of ' + p.parent +
			(p.parent_t !== null ? ' at t=' + p.parent_t : '') : ', the recorded process') +
			', ' + p.instructions + ' instructions';
		return o;
	}));
	sel.value = String(current());
	return rows;
}
