/**
 * A strict checker of the layout `terraform fmt` produces, for tests (Terraform itself is not installable here).
 * Columns are 0-based. It follows the rules of HashiCorp's formatter (hclwrite): two spaces per open bracket level; the `=` of consecutive
 * single-line attribute lines aligned one column after the longest key, while a line whose value opens a multi-line
 * bracket has exactly one space before `=` and ends the run; one space after `=`; no space after an opening or before
 * a closing bracket or a comma; no trailing white space, no tabs, one final newline; balanced brackets.
 */

/** The line with string literals blanked out (so brackets and `=` inside them do not count). */
function code(line: string): string {
  return line.replace(/"(?:[^"\\]|\\.)*"/g, (m) => `"${'_'.repeat(m.length - 2)}"`);
}

function net(line: string): number {
  let n = 0;
  for (const c of code(line)) {
    if ('{[('.includes(c)) n++;
    else if ('}])'.includes(c)) n--;
  }
  return n;
}

/** The problems `terraform fmt` would fix in `text` (empty when it would leave it as it is). */
export function terraformFmtProblems(text: string): string[] {
  const problems: string[] = [];
  if (!text.endsWith('\n') || text.endsWith('\n\n')) problems.push('the file must end with exactly one newline');
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  // hclwrite's indent stack: a line opening brackets adds one level however many it opens (`jsonencode({`), and
  // closing them drops that level.
  const stack: number[] = [];
  // The current run of aligned single-line assignments: the `=` column every line of it must share.
  let run: { line: number; key: number; eq: number }[] = [];
  const closeRun = () => {
    if (run.length) {
      const want = Math.max(...run.map((r) => r.key)) + 1;
      for (const r of run) if (r.eq !== want) problems.push(`line ${r.line}: "=" at column ${r.eq}, aligned runs put it at ${want}`);
    }
    run = [];
  };
  lines.forEach((line, i) => {
    const n = i + 1;
    if (/[ \t]$/.test(line)) problems.push(`line ${n}: trailing white space`);
    if (line.includes('\t')) problems.push(`line ${n}: tab`);
    if (line.trim() === '') {
      closeRun();
      return;
    }
    const c = code(line);
    const change = net(line);
    let expected = 2 * stack.length;
    if (change > 0) stack.push(change);
    if (change < 0) {
      let closed = -change;
      while (closed > 0 && stack.length > 0) {
        const top = stack[stack.length - 1]!;
        if (closed >= top) {
          stack.pop();
          closed -= top;
        } else {
          stack[stack.length - 1] = top - closed;
          closed = 0;
        }
      }
      if (closed > 0) problems.push(`line ${n}: more closing than opening brackets`);
      expected = 2 * stack.length;
    }
    const indent = /^ */.exec(line)![0].length;
    if (indent !== expected) problems.push(`line ${n}: indented ${indent}, expected ${expected}`);
    if (/[[({] /.test(c) && !/\{ /.test(c)) problems.push(`line ${n}: space after an opening bracket`);
    if (/ [\])},]/.test(c.trimStart())) problems.push(`line ${n}: space before a closing bracket or comma`);
    const assign = /^( *)("_*"|[A-Za-z_][\w-]*)( *)=( *)(.*)$/.exec(c);
    if (!assign || c.trimStart().startsWith('#')) {
      closeRun();
      return;
    }
    if (assign[4] !== ' ') problems.push(`line ${n}: one space after "="`);
    const key = assign[1]!.length + assign[2]!.length;
    if (change === 0) {
      run.push({ line: n, key, eq: key + assign[3]!.length });
    } else {
      closeRun();
      if (assign[3] !== ' ') problems.push(`line ${n}: a multi-line value has one space before "="`);
    }
  });
  closeRun();
  const open = stack.reduce((a, b) => a + b, 0);
  if (open !== 0) problems.push(`unbalanced brackets: ${open} left open`);
  return problems;
}
