// source.js - the source view: the file of the moment shown, read-only in
// CodeMirror 6 (the playground's editor), with syntax highlighting, search
// (Ctrl+F) and a gutter of execution counts (how many times each line
// started; click: its next execution after now, shift-click: the previous).
//
// The moment names its file (time/<t>/source: "PATH:LINE", PATH as under
// lines/ and sources/), and /api/source gives the text and the counts in
// one round trip, so moving into a file not seen before costs one request.
//
// CodeMirror lives in a shadow root of #source-body: there its styles go
// into constructed stylesheets, which the CSP (no inline styles) allows.
// The current line carries the class "cur" (.cm-line.cur) and
// #source-body's data-line and data-file say what is shown (tests read
// them).
import { EditorState, StateEffect, StateField, RangeSetBuilder } from '@codemirror/state';
import { EditorView, Decoration, GutterMarker, gutter, lineNumbers, keymap, highlightSpecialChars,
	drawSelection } from '@codemirror/view';
import { defaultHighlightStyle, syntaxHighlighting, StreamLanguage } from '@codemirror/language';
import { search, searchKeymap, highlightSelectionMatches } from '@codemirror/search';
import { defaultKeymap } from '@codemirror/commands';
import { cpp } from '@codemirror/lang-cpp';
import { pythonLanguage } from '@codemirror/lang-python';
import { gas } from '@codemirror/legacy-modes/mode/gas';
import * as api from './api.js';
import { $ } from './panels.js';

// "PATH:LINE" (the text of time/<t>/source) -> {path, line}; null if not.
export function parseSource(text) {
	if (!text)
		return null;
	const i = text.lastIndexOf(':');
	const line = i > 0 ? parseInt(text.slice(i + 1), 10) : NaN;
	return Number.isFinite(line) && line > 0 ? { path: text.slice(0, i), line } : null;
}

function language(path) {
	if (/\.(c|h|cc|cpp|cxx|hpp|hh|hxx|C|H|inc|def|tcc|ipp)$/.test(path) || !/\.[^/]*$/.test(path))
		return cpp(); // also libstdc++'s extensionless headers (<vector>)
	if (/\.py$/.test(path))
		return pythonLanguage;
	if (/\.(s|S|asm)$/.test(path))
		return StreamLanguage.define(gas);
	return [];
}

// ---- the current line and the counts, as editor state ------------------------------------

const setCur = StateEffect.define();
const curField = StateField.define({
	create: () => Decoration.none,
	update(deco, tr) {
		for (const e of tr.effects)
			if (e.is(setCur)) {
				if (!e.value || e.value > tr.state.doc.lines)
					return Decoration.none;
				const l = tr.state.doc.line(e.value);
				return Decoration.set([Decoration.line({ class: 'cur' }).range(l.from)]);
			}
		return deco;
	},
	provide: (f) => EditorView.decorations.from(f),
});

class CountMarker extends GutterMarker {
	constructor(n) {
		super();
		this.n = n;
	}
	eq(o) {
		return o.n === this.n;
	}
	toDOM() {
		const s = document.createElement('span');
		s.textContent = this.n >= 1e6 ? Math.round(this.n / 1e5) / 10 + 'M' :
			this.n >= 1e4 ? Math.round(this.n / 1e3) + 'k' : String(this.n);
		s.title = 'started ' + this.n + ' time' + (this.n === 1 ? '' : 's') +
			': click for its next execution after now, shift-click for the previous';
		return s;
	}
}

const setCounts = StateEffect.define();
const countsField = StateField.define({
	create: () => new Map(),
	update(v, tr) {
		for (const e of tr.effects)
			if (e.is(setCounts))
				return e.value;
		return v;
	},
});

const ranLines = StateField.define({
	create: () => Decoration.none,
	update(deco, tr) {
		for (const e of tr.effects)
			if (e.is(setCounts)) {
				const b = new RangeSetBuilder();
				const doc = tr.state.doc;
				for (const line of [...e.value.keys()].sort((a, b2) => a - b2))
					if (line <= doc.lines)
						b.add(doc.line(line).from, doc.line(line).from, Decoration.line({ class: 'ran' }));
				return b.finish();
			}
		return deco;
	},
	provide: (f) => EditorView.decorations.from(f),
});

const theme = EditorView.theme({
	'&': { height: '100%', fontSize: '12px', backgroundColor: '#fff' },
	'&.cm-focused': { outline: 'none' },
	'.cm-scroller': { fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace', lineHeight: '18px' },
	'.cm-gutters': { backgroundColor: '#f7f8fa', borderRight: '1px solid #d9dde3', color: '#a0a6b0' },
	'.cm-line.cur': { backgroundColor: '#ffe58a' },
	'.cm-counts .cm-gutterElement': { color: '#2a7a3b', cursor: 'pointer', padding: '0 6px 0 4px', minWidth: '3ch', textAlign: 'right' },
	'.cm-counts .cm-gutterElement:hover': { backgroundColor: '#eef6ee' },
	'.cm-line.ran': { backgroundColor: '#fbfdfb' },
	'.cm-line.ran.cur': { backgroundColor: '#ffe58a' },
	'.cm-panels': { fontSize: '12px' },
});

// ---- the panel ------------------------------------------------------------------------------

export class SourcePanel {
	constructor(ctx) {
		this.ctx = ctx;      // { prefix(), image(), stale(m), status(text), runToLine(line, dir) }
		this.box = $('source-body');
		this.msg = document.createElement('div');
		this.msg.className = 'none';
		this.host = document.createElement('div');
		this.host.className = 'cmhost';
		this.box.replaceChildren(this.host, this.msg);
		this.file = null;      // the path shown (as under lines/ and sources/)
		this.linesPath = null; // lines/<path> of the file shown, null when none ran
		this.curLine = 0;
		this.cache = new Map(); // image + path -> promise of the /api/source answer
		this.view = new EditorView({
			root: this.host.attachShadow({ mode: 'open' }),
			state: this.state('', null, new Map()),
		});
		this.host.shadowRoot.append(this.view.dom);
		this.showMessage('');
	}

	state(text, path, counts) {
		const panel = this;
		return EditorState.create({
			doc: text,
			extensions: [
				EditorState.readOnly.of(true),
				gutter({
					class: 'cm-counts',
					markers: (view) => {
						const b = new RangeSetBuilder();
						const doc = view.state.doc;
						const c = view.state.field(countsField);
						for (const line of [...c.keys()].sort((x, y) => x - y))
							if (line <= doc.lines)
								b.add(doc.line(line).from, doc.line(line).from, new CountMarker(c.get(line)));
						return b.finish();
					},
					domEventHandlers: {
						mousedown(view, block, ev) {
							const line = view.state.doc.lineAt(block.from).number;
							if (!view.state.field(countsField).has(line))
								return false;
							panel.ctx.runToLine(line, ev.shiftKey ? -1 : 1);
							return true;
						},
					},
				}),
				lineNumbers(), highlightSpecialChars(), drawSelection(),
				search({ top: true }), highlightSelectionMatches(),
				keymap.of([...searchKeymap, ...defaultKeymap]),
				syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
				EditorState.tabSize.of(8),
				EditorView.contentAttributes.of({ 'aria-label': 'source' + (path ? ' of ' + path : '') }),
				countsField.init(() => counts), ranLines, curField, theme, language(path || ''),
			],
		});
	}

	showMessage(text) {
		this.msg.textContent = text;
		this.msg.hidden = !text;
		this.host.hidden = !!text;
	}

	load(path) {
		const key = this.ctx.image() + ':' + path;
		let p = this.cache.get(key);
		if (!p) {
			p = api.source(path, this.ctx.image());
			p.catch(() => this.cache.delete(key));
			this.cache.set(key, p);
		}
		return p;
	}

	noSource(m, text) {
		this.file = null;
		this.linesPath = null;
		this.curLine = 0;
		delete this.box.dataset.line;
		delete this.box.dataset.file;
		this.showMessage(text);
		$('cap-source').textContent = m.paths && m.paths.where ? m.paths.where : '';
	}

	async render(m) {
		const at = parseSource(m.source);
		if (!at)
			return this.noSource(m, m.where ? 'no source information (' + m.where + ')' : 'no source information');
		let got;
		try {
			got = await this.load(at.path);
		} catch (e) {
			if (!this.ctx.stale(m))
				this.noSource(m, '/' + at.path + ': ' + e.message);
			return;
		}
		if (this.ctx.stale(m))
			return;
		if (got.text === null && got.ran === null)
			return this.noSource(m, 'no line information and no source text for /' + at.path + ':' + at.line +
				' (serve with --sources DIR, or pack the recording)');
		if (this.file !== at.path)
			this.build(got);
		$('cap-source').textContent = (got.text_path || '/' + at.path) + ':' + at.line + '   ' +
			(m.paths && m.paths.where ? m.paths.where : '');
		if (got.text === null) {
			this.showMessage('source text not found: /' + at.path + ':' + at.line +
				' (serve with --sources DIR, or pack the recording)');
		} else {
			this.showMessage('');
			this.mark(at.line);
		}
		this.curLine = at.line;
		this.box.dataset.line = String(at.line);
		this.box.dataset.file = at.path;
	}

	// Shows the file path (under lines/ and sources/, as the search gives
	// it) at line, without moving in time; the next moment shows its own.
	async showFile(path, line) {
		const got = await this.load(path);
		this.build(got);
		$('cap-source').textContent = (got.text_path || '/' + path) + (line ? ':' + line : '');
		if (got.text === null)
			return this.showMessage('source text not found: /' + path + ' (serve with --sources DIR, ' +
				'or pack the recording)');
		this.showMessage('');
		if (line) {
			this.mark(line);
			this.curLine = line;
		}
	}

	build(got) {
		this.file = got.path;
		this.linesPath = got.lines_path;
		this.curLine = 0;
		const counts = new Map((got.ran || []).map(([line, n]) => [line, n]));
		this.view.setState(this.state(got.text || '', got.path, counts));
		this.view.dispatch({ effects: setCounts.of(counts) });
	}

	mark(line) {
		const doc = this.view.state.doc;
		if (line > doc.lines)
			return;
		const pos = doc.line(line).from;
		this.view.dispatch({ effects: [setCur.of(line), EditorView.scrollIntoView(pos, { y: 'nearest', yMargin: 60 })] });
	}

	// {line: starts} of the file shown (tests read it).
	counts() {
		return Object.fromEntries(this.view.state.field(countsField));
	}

	// Scrolls line into view (tests: its gutter marker is then drawn).
	scrollTo(line) {
		const doc = this.view.state.doc;
		if (line >= 1 && line <= doc.lines)
			this.view.dispatch({ effects: EditorView.scrollIntoView(doc.line(line).from, { y: 'center' }) });
	}

	// The text of the current line (tests and the bench read it).
	currentText() {
		const doc = this.view.state.doc;
		return this.curLine && this.curLine <= doc.lines ? doc.line(this.curLine).text : '';
	}
}
