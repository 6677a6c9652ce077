// play.js - the playground's editor page (play.html): edit code, Run
// (POST /api/run), show the compiler's messages at their lines, the output
// and the exit status, and link to the recording (/t/<id>/).  A run's id
// goes into the URL (#run=<id>), so a link reopens it, code included
// (GET /api/runs/<id>).
//
// The editor is CodeMirror 6, mounted inside a shadow root of #code: there
// CodeMirror's styles go into a constructed stylesheet (adoptedStyleSheets),
// which the CSP (default-src 'self', no inline styles) allows; in the
// document itself it would add a <style> element, which the CSP refuses.
// The compiler's messages become lint diagnostics at their lines.

import { Compartment, EditorState } from '@codemirror/state';
import {
	EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter,
	highlightSpecialChars, keymap, lineNumbers,
} from '@codemirror/view';
import { defaultKeymap, history as undoHistory, historyKeymap, indentWithTab } from '@codemirror/commands';
import {
	StreamLanguage, bracketMatching, defaultHighlightStyle, indentOnInput, indentUnit,
	syntaxHighlighting,
} from '@codemirror/language';
import { cpp } from '@codemirror/lang-cpp';
import { pythonLanguage } from '@codemirror/lang-python';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { gas } from '@codemirror/legacy-modes/mode/gas';
import { shell } from '@codemirror/legacy-modes/mode/shell';

const $ = (id) => document.getElementById(id);

const STARTERS = {
	c: `#include <stdio.h>

/* Sums 1..n, with a bug: step back from the end to find it. */
static int sum(int n)
{
	int s = 0;

	for (int i = 1; i < n; i++)
		s += i;
	return s;
}

int main(void)
{
	char line[64];
	int n = 10;

	if (fgets(line, sizeof line, stdin))
		sscanf(line, "%d", &n);
	printf("sum(1..%d) = %d\\n", n, sum(n));
	return 0;
}
`,
	cpp: `#include <iostream>
#include <string>
#include <vector>

int main()
{
	std::vector<std::string> words;
	std::string w;

	while (std::cin >> w)
		words.push_back(w);
	for (auto it = words.rbegin(); it != words.rend(); ++it)
		std::cout << *it << (it + 1 == words.rend() ? "\\n" : " ");
	std::cout << words.size() << " words\\n";
}
`,
	asm: `# x86-64 Linux, GNU as (AT&T syntax): write(1, msg, len); exit(0)
	.globl _start
	.text
_start:
	mov	$1, %eax		# write
	mov	$1, %edi		# stdout
	lea	msg(%rip), %rsi
	mov	$len, %edx
	syscall
	mov	$60, %eax		# exit
	xor	%edi, %edi
	syscall

	.data
msg:	.ascii	"hello from assembly\\n"
	.set	len, . - msg
`,
	python: `import sys

def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a

n = int(sys.stdin.read().strip() or 10)
print(f"fib({n}) = {fib(n)}")
`,
	sh: `#!/bin/sh
echo "hello from sh"
while read -r line; do
	echo "read: $line"
done
`,
	bash: `#!/bin/bash
declare -A count
while read -r word; do
	count[$word]=$(( \${count[$word]:-0} + 1 ))
done
for w in "\${!count[@]}"; do
	echo "$w \${count[$w]}"
done
`,
};
const INPUTS = { c: '10\n', cpp: 'one two three\n', asm: '', python: '20\n', sh: 'a\nb\n', bash: 'x\ny\nx\n' };

const lang = $('lang');
let running = false;

function status(text, error) {
	$('status').textContent = text;
	$('status').classList.toggle('error', !!error);
}

// ---- the editor -------------------------------------------------------------

// per language: the syntax and the indentation (tabs as in the starters,
// four spaces in Python as PEP 8 says)
function langSupport(l) {
	switch (l) {
	case 'c': case 'cpp': return [cpp(), indentUnit.of('\t')];
	case 'python': return [pythonLanguage, indentUnit.of('    ')];
	case 'asm': return [StreamLanguage.define(gas), indentUnit.of('\t')];
	default: return [StreamLanguage.define(shell), indentUnit.of('\t')];
	}
}

const language = new Compartment();

// Fonts and sizes of the page (play.css cannot reach into the shadow root).
const theme = EditorView.theme({
	'&': { height: '100%', fontSize: '13px', backgroundColor: '#fff' },
	'&.cm-focused': { outline: 'none' },
	'.cm-scroller': { fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace', lineHeight: '18px' },
	'.cm-gutters': { backgroundColor: '#f3f5f8', borderRight: '1px solid #d9dde3', color: '#6b7280' },
	'.cm-activeLine': { backgroundColor: '#f5f8fd' },
	'.cm-activeLineGutter': { backgroundColor: '#e6ebf3' },
	// @codemirror/lint draws its underlines and gutter markers with data:
	// SVG images, which the CSP's default-src 'self' refuses (img-src):
	// a wavy text-decoration and CSS shapes instead
	'.cm-lintRange': { backgroundImage: 'none', textDecoration: 'underline wavy', textDecorationSkipInk: 'none' },
	'.cm-lintRange-error': { backgroundImage: 'none', textDecorationColor: '#e11' },
	'.cm-lintRange-warning': { backgroundImage: 'none', textDecorationColor: 'orange' },
	'.cm-lintRange-info': { backgroundImage: 'none', textDecorationColor: '#999' },
	'.cm-lintRange-hint': { backgroundImage: 'none', textDecorationColor: '#66d' },
	'.cm-lint-marker': { width: '.8em', height: '.8em', margin: '.1em .15em' },
	'.cm-lint-marker-error': { content: 'normal', backgroundColor: '#f43', borderRadius: '50%' },
	'.cm-lint-marker-warning': { content: 'normal', backgroundColor: '#fb3', clipPath: 'polygon(50% 5%, 100% 95%, 0 95%)' },
	'.cm-lint-marker-info': { content: 'normal', backgroundColor: '#88e' },
});

const view = new EditorView({
	root: $('code').attachShadow({ mode: 'open' }),
	state: EditorState.create({
		extensions: [
			keymap.of([{ key: 'Mod-Enter', run: () => { run(); return true; } }]),
			lineNumbers(), highlightActiveLineGutter(), lintGutter(), highlightSpecialChars(),
			undoHistory(), drawSelection(), indentOnInput(), bracketMatching(), highlightActiveLine(),
			syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
			EditorState.tabSize.of(8),
			keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
			EditorView.contentAttributes.of({ 'aria-label': 'code', spellcheck: 'false', autocapitalize: 'off' }),
			theme, language.of(langSupport('c')),
		],
	}),
});
$('code').shadowRoot.append(view.dom);

const getCode = () => view.state.doc.toString();

function setCode(text) {
	view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text },
		selection: { anchor: 0 }, scrollIntoView: true });
}

function goLine(line) {
	const l = view.state.doc.line(Math.max(1, Math.min(line, view.state.doc.lines)));
	view.dispatch({ selection: { anchor: l.from, head: l.to }, scrollIntoView: true });
	view.focus();
}

function isStarter(text) {
	return text.trim() === '' || Object.values(STARTERS).some((s) => s === text);
}

function setLang(l, keepCode) {
	lang.value = l;
	$('flags-l').hidden = !(l === 'c' || l === 'cpp');
	view.dispatch({ effects: language.reconfigure(langSupport(l)) });
	if (!keepCode) {
		setCode(STARTERS[l]);
		$('stdin').value = INPUTS[l];
	}
	view.dispatch(setDiagnostics(view.state, []));
}

lang.addEventListener('change', () => setLang(lang.value, !isStarter(getCode())));
$('reset').addEventListener('click', () => setLang(lang.value, false));
// Ctrl+Enter outside the editor (the editor's own keymap has it inside)
document.addEventListener('keydown', (e) => {
	if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.target !== $('code')) {
		e.preventDefault();
		run();
	}
});

// ---- results -----------------------------------------------------------------

// gcc / as messages: "main.c:12:5: error: ..." (as: "main.s:3: Error: ...")
const MSG = /^(?:\.\/)?main\.(?:c|cc|s):(\d+):(?:(\d+):)? *(fatal error|error|warning|note|Error|Warning):? ?(.*)$/;

// gcc's column (from 1) counts display columns, a tab to the next multiple
// of 8 (-fdiagnostics-column-unit=display, -ftabstop=8): the offset in text.
function columnOffset(text, col) {
	let c = 1, i = 0;
	for (const ch of text) {
		if (c >= col)
			break;
		c = ch === '\t' ? (Math.floor((c - 1) / 8) + 1) * 8 + 1 : c + 1;
		i += ch.length;
	}
	return i;
}

// A message as a lint diagnostic: from its column to the end of the word
// there, or the whole line without a column (as's messages).  Notes are
// infos.  Lines past the end (the code was edited since) have none.
function diagnostic(doc, n, col, kind, text) {
	if (n < 1 || n > doc.lines)
		return null;
	const l = doc.line(n);
	let from = l.from, to = l.to;
	if (col) {
		from = l.from + columnOffset(l.text, col);
		const w = /^[\w$]+|^\S/.exec(l.text.slice(from - l.from));
		to = from + (w ? w[0].length : 0);
	}
	const severity = /error/i.test(kind) ? 'error' : /warning/i.test(kind) ? 'warning' : 'info';
	return { from, to, severity, message: kind.toLowerCase() + ': ' + text, source: 'compiler' };
}

function showCompile(c) {
	const pre = $('compile');
	const diags = [];
	pre.replaceChildren();
	for (const line of (c.output || '').split('\n')) {
		const m = MSG.exec(line);
		if (m) {
			const n = parseInt(m[1], 10);
			const d = diagnostic(view.state.doc, n, m[2] ? parseInt(m[2], 10) : 0, m[3], m[4]);
			if (d)
				diags.push(d);
			const s = document.createElement('span');
			s.className = 'msg';
			s.textContent = line;
			s.title = 'go to line ' + n;
			s.addEventListener('click', () => goLine(n));
			pre.append(s, '\n');
		} else if (line !== '') {
			pre.append(line + '\n');
		}
	}
	if (c.truncated)
		appendCut(pre);
	view.dispatch(setDiagnostics(view.state, diags));
	const st = $('compile-state');
	st.textContent = c.ok ? (c.output ? 'compiled, with messages' : 'ok') : 'failed';
	st.classList.toggle('bad', !c.ok);
}

function appendCut(pre) {
	const s = document.createElement('span');
	s.className = 'cut';
	s.textContent = '\n[cut at 64 KiB]';
	pre.append(s);
}

function showOut(id, text, cut) {
	const pre = $(id);
	pre.textContent = text || '';
	if (cut)
		appendCut(pre);
}

function showResult(r) {
	showCompile(r.compile || { ok: true, output: '' });
	showOut('stdout', r.stdout, r.stdout_truncated);
	showOut('stderr', r.stderr, r.stderr_truncated);
	const ex = $('exit');
	let text = '';
	if (r.signal)
		text = 'killed by SIG' + r.signal;
	else if (r.exit !== null && r.exit !== undefined)
		text = 'exit status ' + r.exit;
	if (r.limits && r.limits.hit)
		text += (text ? ', ' : '') + r.limits.hit + ' limit hit (' + r.limits.stage + ')';
	if (r.error)
		text += (text ? '; ' : '') + r.error;
	ex.textContent = text;
	ex.classList.toggle('bad', !!(r.signal || (r.limits && r.limits.hit) || r.error || r.exit));
	const a = $('trace');
	if (r.url) {
		a.href = r.url;
		a.hidden = false;
	} else {
		a.hidden = true;
	}
}

// ---- running -----------------------------------------------------------------

function request() {
	const req = { lang: lang.value, code: getCode(), input: $('stdin').value };
	const args = $('args').value.trim();
	if (args)
		req.args = args.split(/\s+/);
	if (lang.value === 'c' || lang.value === 'cpp')
		req.flags = $('flags').value;
	return req;
}

async function run() {
	if (running)
		return;
	running = true;
	$('run').disabled = true;
	$('trace').hidden = true;
	status('compiling, running and recording…');
	const t0 = performance.now();
	try {
		const res = await fetch('/api/run', {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(request()),
		});
		const j = await res.json().catch(() => ({}));
		if (!res.ok) {
			const wait = res.headers.get('Retry-After');
			status((j.error || res.status + ' ' + res.statusText) +
				(wait ? ' (retry in ' + wait + ' s)' : ''), true);
			return;
		}
		showResult(j);
		history.replaceState(null, '', '#run=' + j.id);
		status('run ' + j.id + ' in ' + ((performance.now() - t0) / 1000).toFixed(1) + ' s');
	} catch (e) {
		status('the playground does not answer (' + e.message + ')', true);
	} finally {
		running = false;
		$('run').disabled = false;
	}
}
$('run').addEventListener('click', run);

// #run=<id>: the code and the result of an earlier run
async function reopen() {
	const id = new URLSearchParams(location.hash.slice(1)).get('run');
	if (!id || !/^[0-9a-f]{16}$/.test(id))
		return false;
	try {
		const res = await fetch('/api/runs/' + id);
		if (!res.ok) {
			status('run ' + id + ': ' + ((await res.json().catch(() => ({}))).error || res.status), true);
			return false;
		}
		const j = await res.json();
		const q = j.request || {};
		setLang(STARTERS[q.lang] ? q.lang : 'c', true);
		setCode(q.code || '');
		$('stdin').value = q.input || '';
		$('args').value = (q.args || []).join(' ');
		if (q.flags)
			$('flags').value = q.flags;
		if (j.result)
			showResult(j.result);
		status('run ' + id);
		return true;
	} catch (e) {
		status('the playground does not answer (' + e.message + ')', true);
		return false;
	}
}

window.addEventListener('hashchange', reopen);
setLang('c', false);
reopen();
