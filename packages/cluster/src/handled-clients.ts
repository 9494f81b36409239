/**
 * ioredis clients whose commands can fail without ending the process.
 *
 * Every command now fails after the command timeout when Redis does not answer. The
 * Socket.IO Redis adapters call some commands and drop the promise: the classic adapter's
 * `pubClient.publish(...)` (@socket.io/redis-adapter lib/index.ts) and the sharded adapter's
 * `SSUBSCRIBE`/`SUNSUBSCRIBE` on every room created or deleted (lib/util.ts). A rejected
 * promise nobody handles is an `unhandledRejection`, which ends a Node process. So each
 * command's own promise gets a no-op handler here; a caller that awaits it still sees the
 * rejection, and the adapters' later retries (re-subscribe on reconnect) are unchanged.
 * With auto-pipelining (the publisher's), the promise a caller gets is the pipeline's, not
 * the command's, so the methods the adapters call and drop are wrapped as well.
 *
 * `HandledCluster` also arms the command timeout at the Cluster level: ioredis applies
 * `redisOptions.commandTimeout` only once a command reaches a node, not while it waits in
 * the Cluster's own offline queue or between redirections.
 */
import { Cluster, Redis, type ClusterNode, type ClusterOptions, type Command, type RedisOptions } from "ioredis";

const ignore = (): void => undefined;

type Stream = Parameters<Redis["sendCommand"]>[1];

/** The commands the adapters call without handling the promise (see above). */
const DROPPED_BY_ADAPTERS = ["publish", "spublish", "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe"];

function handleDropped(client: object): void {
  const methods = client as Record<string, unknown>;
  for (const name of DROPPED_BY_ADAPTERS) {
    const original = methods[name];
    if (typeof original !== "function") continue;
    methods[name] = function (this: unknown, ...args: unknown[]): unknown {
      const result: unknown = original.apply(this, args);
      if (result instanceof Promise) result.catch(ignore);
      return result;
    };
  }
}

export class HandledRedis extends Redis {
  constructor(url: string, options: RedisOptions) {
    super(url, options);
    handleDropped(this);
  }

  override sendCommand(command: Command, stream?: Stream): unknown {
    const result = super.sendCommand(command, stream);
    command.promise.catch(ignore);
    return result;
  }
}

export class HandledCluster extends Cluster {
  constructor(startupNodes: ClusterNode[], options: ClusterOptions & { commandTimeoutMs: number }) {
    super(startupNodes, options);
    handleDropped(this);
  }

  override sendCommand(command: Command, stream?: Stream, node?: unknown): unknown {
    const timeoutMs = (this.options as { commandTimeoutMs?: number }).commandTimeoutMs;
    if (timeoutMs !== undefined) command.setTimeout(timeoutMs);
    const result = super.sendCommand(command, stream, node);
    command.promise.catch(ignore);
    return result;
  }
}

/** Either kind of client; both have the same command methods. */
export type RedisClient = Redis | Cluster;

export function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}
