import type { ErrorFacts } from '../errors';
import { NoNetworkError, errnoCode, isNoNetworkCode } from './errors';

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the host name could not be resolved',
  EAI_AGAIN: 'the host name could not be resolved',
  EAI_FAIL: 'the host name could not be resolved',
  ETIMEDOUT: 'the connection timed out',
  ENETUNREACH: 'the network is unreachable',
  ENETDOWN: 'the network is down',
  EHOSTUNREACH: 'the host is unreachable',
  EHOSTDOWN: 'the host is down',
  ECONNRESET: 'the connection was reset',
  ECONNABORTED: 'the connection was aborted',
};

/**
 * Wraps a failure to talk to `host` as a NoNetworkError when it is one (offline, DNS,
 * refused, timed out), with what the user can do instead; other errors pass through.
 */
export function networkError(error: unknown, host: string, action: string, hint?: string, facts?: ErrorFacts): unknown {
  const code = errnoCode(error);
  if (!isNoNetworkCode(code) && code !== 'ECONNRESET') return error;
  const reason = (code && REASONS[code]) ?? 'the connection failed';
  return new NoNetworkError(`No network: could not reach ${host} to ${action} (${reason}).${hint ? ` ${hint}` : ''}`, {
    cause: error,
    facts: { host, ...facts },
  });
}
