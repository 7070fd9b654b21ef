import { errors } from '#shared/platform/errors';
import { isIsoDate } from '#shared/platform/time';

/**
 * API versions, the way Stripe keeps them: a dated list, each version a set of small changes
 * that say which routes they touch and how to turn the newer shape into the older one. The
 * code only ever speaks the newest shape; a request made at an older version is brought up
 * to it (`upgradeRequest`, oldest change first) and its answer is brought back down
 * (`downgradeResponse`, newest change first). Adding a breaking change is one entry in the plane's
 * registry (`shared/api/versions.ts`) and one small module beside the resource it changes.
 */
export interface VersionChange {
  /** What changed, for the changelog in the OpenAPI document. */
  description: string;
  /** The operationIds of the routes whose requests or answers the change touches. */
  routes: readonly string[];
  /** Turns a request body of the older shape into the newer one; may throw an OsmaError. */
  upgradeRequest?: (body: Record<string, unknown>, operationId: string) => Record<string, unknown>;
  /** Turns an answer of the newer shape (success or error) into the older one. */
  downgradeResponse?: (body: unknown, context: { operationId: string; status: number }) => unknown;
}

export interface ApiVersion {
  /** ISO 8601 date the version was released. */
  date: string;
  summary: string;
  /** What changed from the version before it. */
  changes: readonly VersionChange[];
}

/** A plane's dated versions and the operations on them. */
export type VersionRegistry = ReturnType<typeof versionRegistry>;

/**
 * The engine over a plane's list of dated versions (oldest first): which version a request is
 * served at, and how its request and answer move between that version and the newest.
 */
export function versionRegistry(API_VERSIONS: readonly ApiVersion[], VERSION_HEADER: string) {
  const FIRST_VERSION = API_VERSIONS[0]!.date;
  const LATEST_VERSION = API_VERSIONS[API_VERSIONS.length - 1]!.date;

  /**
   * The version a request is served at: the newest version released on or before the date in
   * the `osma-api-version` header, or the organization's default when there is no header.
   * A malformed date, or one before the first version, is a 400.
   */
  function resolveVersion(requested: string | undefined, organizationDefault: string | undefined): string {
    if (requested === undefined || requested.trim() === '') return releasedOn(organizationDefault) ?? LATEST_VERSION;
    const date = requested.trim();
    if (!isIsoDate(date)) {
      throw errors.invalidParams([
        { param: VERSION_HEADER, message: `${VERSION_HEADER} must be an ISO 8601 date such as ${LATEST_VERSION}` },
      ]);
    }
    const version = releasedOn(date);
    if (!version) {
      throw errors.invalidParams([
        { param: VERSION_HEADER, message: `${VERSION_HEADER} must be on or after ${FIRST_VERSION}, the first version of the API` },
      ]);
    }
    return version;
  }

  /** The newest version released on or before a date, if any. */
  function releasedOn(date: string | undefined): string | undefined {
    if (!date || !isIsoDate(date)) return undefined;
    let found: string | undefined;
    for (const version of API_VERSIONS) if (version.date <= date) found = version.date;
    return found;
  }

  function isVersion(date: string): boolean {
    return API_VERSIONS.some((version) => version.date === date);
  }

  /** The changes between a version and the newest one that touch a route, oldest first. */
  function changesSince(version: string, operationId: string): VersionChange[] {
    return API_VERSIONS.filter((candidate) => candidate.date > version).flatMap((candidate) =>
      candidate.changes.filter((change) => change.routes.includes(operationId)),
    );
  }

  function upgradeRequest(version: string, operationId: string, body: Record<string, unknown>): Record<string, unknown> {
    return changesSince(version, operationId).reduce(
      (current, change) => (change.upgradeRequest ? change.upgradeRequest(current, operationId) : current),
      body,
    );
  }

  function downgradeResponse(version: string, operationId: string, status: number, body: unknown): unknown {
    return changesSince(version, operationId)
      .reverse()
      .reduce(
        (current, change) => (change.downgradeResponse ? change.downgradeResponse(current, { operationId, status }) : current),
        body,
      );
  }

  return {
    versions: API_VERSIONS,
    header: VERSION_HEADER,
    first: FIRST_VERSION,
    latest: LATEST_VERSION,
    resolveVersion,
    isVersion,
    changesSince,
    upgradeRequest,
    downgradeResponse,
  };
}
