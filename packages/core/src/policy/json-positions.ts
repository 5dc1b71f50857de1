import { pointerSegment } from './document.ts';

/** How deep paths are recorded: a policy document needs 8 (`/PolicyVersion/Document/Statement/0/Condition/op/key/0`). */
const MAX_DEPTH = 10;

type Frame = { kind: 'object'; path: string; key?: string } | { kind: 'array'; path: string; index: number };

/**
 * The offset of every value of a valid JSON text, keyed by JSON pointer (`''` for the root, `/Statement/0/Action/1`),
 * down to a fixed depth. One pass, no recursion (nesting depth cannot overflow the stack); a repeated key keeps its
 * last offset, as `JSON.parse` keeps its last value. Call only on text `JSON.parse` accepted.
 */
export function jsonValueOffsets(text: string): Map<string, number> {
  const offsets = new Map<string, number>();
  const stack: Frame[] = [];
  const n = text.length;
  let i = 0;
  const skipWs = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xfeff) break;
      i++;
    }
  };
  // The end of the string starting at i (the offset after its closing quote).
  const stringEnd = (start: number): number => {
    let j = start + 1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 92) j += 2;
      else if (c === 34) return j + 1;
      else j++;
    }
    return n;
  };
  // The path of the value about to be read, or undefined when it is deeper than recorded.
  const valuePath = (): string | undefined => {
    const top = stack.at(-1);
    if (!top) return '';
    if (stack.length > MAX_DEPTH) return undefined;
    if (top.kind === 'array') return `${top.path}/${top.index}`;
    return `${top.path}/${pointerSegment(top.key ?? '')}`;
  };
  for (;;) {
    skipWs();
    if (i >= n) break;
    const c = text[i];
    const top = stack.at(-1);
    if (c === ',') {
      if (top?.kind === 'array') top.index++;
      i++;
      continue;
    }
    if (c === '}' || c === ']') {
      stack.pop();
      // A container value ends its property: the next string in the parent object is a property name again.
      const parent = stack.at(-1);
      if (parent?.kind === 'object') parent.key = undefined;
      i++;
      continue;
    }
    if (top?.kind === 'object' && top.key === undefined) {
      // A property name, then its colon.
      const end = stringEnd(i);
      const raw = text.slice(i + 1, end - 1);
      top.key = stack.length > MAX_DEPTH ? '' : raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
      i = end;
      skipWs();
      i++; // ':'
      continue;
    }
    const path = valuePath();
    if (path !== undefined) offsets.set(path, i);
    if (c === '{' || c === '[') {
      stack.push(c === '{' ? { kind: 'object', path: path ?? '' } : { kind: 'array', path: path ?? '', index: 0 });
      i++;
      continue;
    }
    if (c === '"') i = stringEnd(i);
    else while (i < n && !',}] \t\r\n'.includes(text[i]!)) i++;
    if (top?.kind === 'object') top.key = undefined;
  }
  return offsets;
}

/** The offsets at which the lines of `text` start, for {@link lineColumn}. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 1-based line and column (UTF-16 code units, as editors and SARIF count them) of an offset. */
export function lineColumn(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}
