import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { promptHidden, type PromptInput } from './password-prompt';

function fakeTty() {
  const input = Object.assign(new EventEmitter(), {
    isTTY: true,
    raw: [] as boolean[],
    setRawMode(mode: boolean) {
      this.raw.push(mode);
    },
    resume: () => undefined,
    pause: () => undefined,
    setEncoding: () => undefined,
  });
  const output = new PassThrough();
  let written = '';
  output.on('data', (c: Buffer) => (written += c.toString()));
  const tty: PromptInput & typeof input = input;
  return { input: tty, output, written: () => written };
}

describe('promptHidden', () => {
  it('should read a line in raw mode without echoing it, honouring backspace', async () => {
    const t = fakeTty();
    const answer = promptHidden('Password: ', t.input, t.output);
    t.input.emit('data', 'secret pass');
    t.input.emit('data', 'x\u007fword\r');
    await expect(answer).resolves.toBe('secret password');
    expect(t.input.raw).toEqual([true, false]);
    await new Promise((r) => setImmediate(r));
    expect(t.written()).toBe('Password: \n');
  });

  it('should reject on Ctrl-C and leave raw mode', async () => {
    const t = fakeTty();
    const answer = promptHidden('Password: ', t.input, t.output);
    t.input.emit('data', 'abc\u0003');
    await expect(answer).rejects.toThrow('cancelled');
    expect(t.input.raw).toEqual([true, false]);
  });
});
