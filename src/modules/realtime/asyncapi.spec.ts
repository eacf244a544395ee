import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { z } from 'zod';
import { REALTIME_EVENT_SCHEMAS } from './realtime.events';

interface Message {
  name: string;
  payload: {
    type: string;
    required: string[];
    additionalProperties: boolean;
    properties: Record<string, { type: string }>;
  };
  examples: Array<{ payload: unknown }>;
}
interface AsyncApiDoc {
  asyncapi: string;
  servers: Record<string, { protocol: string; pathname: string }>;
  channels: { userRoom: { address: string; messages: Record<string, { $ref: string }> } };
  operations: Record<string, { action: string; messages: Array<{ $ref: string }> }>;
  components: { messages: Record<string, Message> };
}

/** Only what a client can rely on: property names, JSON types, required, no extras. */
function shape(schema: {
  properties?: Record<string, { type?: string }>;
  required?: string[];
  additionalProperties?: boolean;
}) {
  return {
    properties: Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([k, v]) => [k, v.type]),
    ),
    required: [...(schema.required ?? [])].sort(),
    additionalProperties: schema.additionalProperties,
  };
}

describe('asyncapi.yaml', () => {
  const doc = load(
    readFileSync(join(__dirname, '..', '..', '..', 'asyncapi.yaml'), 'utf8'),
  ) as AsyncApiDoc;
  const messages = Object.values(doc.components.messages);

  it('should describe exactly the events the server emits', () => {
    expect(messages.map((m) => m.name).sort()).toEqual(Object.keys(REALTIME_EVENT_SCHEMAS).sort());
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.servers.local).toMatchObject({ protocol: 'ws', pathname: '/socket.io' });
    expect(doc.channels.userRoom.address).toBe('user:{userId}');
  });

  it.each(Object.entries(REALTIME_EVENT_SCHEMAS))(
    'should give %s the payload schema of the server type, and examples it accepts',
    (name, schema) => {
      const message = messages.find((m) => m.name === name);
      expect(message).toBeDefined();
      const server = z.toJSONSchema(schema) as Parameters<typeof shape>[0];
      expect(shape(message!.payload)).toEqual(shape(server));
      expect(message!.examples.length).toBeGreaterThan(0);
      for (const example of message!.examples)
        expect(schema.parse(example.payload)).toEqual(example.payload);
    },
  );

  it('should receive every message through an operation on the user room', () => {
    const received = Object.values(doc.operations)
      .filter((o) => o.action === 'receive')
      .flatMap((o) => o.messages.map((m) => m.$ref.split('/').pop()));
    expect(received.sort()).toEqual(Object.keys(doc.components.messages).sort());
  });
});
