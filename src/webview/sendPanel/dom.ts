/**
 * A tiny element builder. Text always goes in through `textContent`, never `innerHTML`, so nothing
 * the host or the user typed can become markup; and no `style` attribute is ever set (strict CSP).
 */
type Child = Node | string | null | undefined | false;

export interface Props {
  readonly id?: string;
  readonly className?: string;
  readonly attrs?: Readonly<Record<string, string | boolean | undefined>>;
  readonly props?: Readonly<Record<string, unknown>>;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, options: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (options.id) {
    el.id = options.id;
  }
  if (options.className) {
    el.className = options.className;
  }
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value === true) {
      el.setAttribute(name, '');
    } else if (typeof value === 'string') {
      el.setAttribute(name, value);
    }
  }
  Object.assign(el, options.props ?? {});
  append(el, children);
  return el;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

export function clear(el: Element): void {
  el.replaceChildren();
}

/** A codicon glyph from the packaged codicon.css (decorative: the text next to it carries the meaning). */
export function icon(name: string, extra = ''): HTMLSpanElement {
  return h('span', { className: `codicon codicon-${name} ${extra}`.trim(), attrs: { 'aria-hidden': 'true' } });
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
