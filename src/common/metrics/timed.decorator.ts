import 'reflect-metadata';
import * as Sentry from '@sentry/nestjs';
import { operationDuration } from './metrics.registry';

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Times a method (sync or async) into the `operation_duration_seconds{name,outcome}` histogram and a
 * Sentry span of the same name (a no-op without SENTRY_DSN). Outcome is `ok` or `error`.
 */
export function Timed(name: string): MethodDecorator {
  return (_target, _propertyKey, descriptor: PropertyDescriptor) => {
    const original = descriptor.value as AnyMethod;
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      return Sentry.startSpan({ name, op: 'function' }, () => {
        const end = operationDuration.startTimer({ name });
        let result: unknown;
        try {
          result = original.apply(this, args);
        } catch (err) {
          end({ outcome: 'error' });
          throw err;
        }
        if (result instanceof Promise)
          return result.then(
            (value: unknown) => {
              end({ outcome: 'ok' });
              return value;
            },
            (err: unknown) => {
              end({ outcome: 'error' });
              throw err;
            },
          );
        end({ outcome: 'ok' });
        return result;
      });
    };
    for (const k of Reflect.getMetadataKeys(original) as unknown[])
      Reflect.defineMetadata(k, Reflect.getMetadata(k, original), wrapped);
    Object.defineProperty(wrapped, 'name', { value: original.name });
    descriptor.value = wrapped;
  };
}
