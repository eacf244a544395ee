/** The bits of a TTY input stream the prompt uses (a fake one in unit tests). */
export interface PromptInput extends NodeJS.EventEmitter {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  resume(): unknown;
  pause(): unknown;
  setEncoding(encoding: BufferEncoding): unknown;
}

/**
 * Reads a line from the terminal with echo off (raw mode): nothing typed is shown or kept in shell
 * history. Backspace edits; Ctrl-C / Ctrl-D abort with an error.
 */
export function promptHidden(
  question: string,
  input: PromptInput = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(question);
    let value = '';
    const done = (err: Error | null) => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003' || ch === '\u0004') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    input.setEncoding('utf8');
    input.setRawMode?.(true);
    input.resume();
    input.on('data', onData);
  });
}
