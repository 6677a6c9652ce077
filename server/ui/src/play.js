// play.js - the playground's editor page (play.html): edit code, Run
// (POST /api/run), show the compiler's messages at their lines, the output
// and the exit status, and link to the recording (/t/<id>/).  A run's id
// goes into the URL (#run=<id>), so a link reopens it, code included
// (GET /api/runs/<id>).  A plain textarea with a line-number gutter.

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

const code = $('code'), gutter = $('gutter'), lang = $('lang');
let marks = new Map(); // line -> { level, text }
let running = false;

function status(text, error) {
	$('status').textContent = text;
	$('status').classList.toggle('error', !!error);
}

// ---- the editor -------------------------------------------------------------

function renderGutter() {
	const n = code.value.split('\n').length;
	const frag = document.createDocumentFragment();
	for (let i = 1; i <= n; i++) {
		const s = document.createElement('span');
		s.textContent = String(i);
		const m = marks.get(i);
		if (m) {
			s.className = m.level === 'error' ? 'bad' : 'warn';
			s.title = m.text;
		}
		frag.append(s, '\n');
	}
	gutter.replaceChildren(frag);
	gutter.scrollTop = code.scrollTop;
}

function goLine(line) {
	const lines = code.value.split('\n');
	let start = 0;
	for (let i = 0; i < line - 1 && i < lines.length; i++)
		start += lines[i].length + 1;
	code.focus();
	code.setSelectionRange(start, start + (lines[line - 1] || '').length);
	code.scrollTop = Math.max(0, (line - 5) * 18);
}

code.addEventListener('input', () => {
	marks = new Map();
	renderGutter();
});
code.addEventListener('scroll', () => {
	gutter.scrollTop = code.scrollTop;
});
code.addEventListener('keydown', (e) => {
	if (e.key === 'Tab' && !e.ctrlKey && !e.altKey && !e.metaKey) {
		e.preventDefault();
		const s = code.selectionStart, t = code.selectionEnd;
		code.setRangeText('\t', s, t, 'end');
		renderGutter();
	} else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
		e.preventDefault();
		run();
	}
});

function isStarter(text) {
	return text.trim() === '' || Object.values(STARTERS).some((s) => s === text);
}

function setLang(l, keepCode) {
	lang.value = l;
	$('flags-l').hidden = !(l === 'c' || l === 'cpp');
	if (!keepCode) {
		code.value = STARTERS[l];
		$('stdin').value = INPUTS[l];
	}
	marks = new Map();
	renderGutter();
}

lang.addEventListener('change', () => setLang(lang.value, !isStarter(code.value)));
$('reset').addEventListener('click', () => setLang(lang.value, false));
document.addEventListener('keydown', (e) => {
	if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.target !== code) {
		e.preventDefault();
		run();
	}
});

// ---- results -----------------------------------------------------------------

// gcc / as messages: "main.c:12:5: error: ..." (as: "main.s:3: Error: ...")
const MSG = /^(?:\.\/)?main\.(?:c|cc|s):(\d+):(?:(\d+):)? *(fatal error|error|warning|note|Error|Warning):? ?(.*)$/;

function showCompile(c) {
	const pre = $('compile');
	marks = new Map();
	pre.replaceChildren();
	for (const line of (c.output || '').split('\n')) {
		const m = MSG.exec(line);
		if (m) {
			const n = parseInt(m[1], 10), level = /error/i.test(m[3]) ? 'error' : 'warning';
			const old = marks.get(n);
			if (!old || level === 'error')
				marks.set(n, { level, text: (old && old.level === level ? old.text + '\n' : '') + m[3] + ': ' + m[4] });
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
	renderGutter();
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
	const req = { lang: lang.value, code: code.value, input: $('stdin').value };
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
		code.value = q.code || '';
		$('stdin').value = q.input || '';
		$('args').value = (q.args || []).join(' ');
		if (q.flags)
			$('flags').value = q.flags;
		if (j.result)
			showResult(j.result);
		renderGutter();
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
